package dev.sqlrl.serve;

/** POST /v1/generate_sql: a question about one database; optional fields may be null. */
public record GenerateSqlRequest(String dbId, String question, String evidence, Boolean execute, Integer numSamples,
                                 Integer maxRows) {}
