package dev.sqlrl.serve;

/** POST /v1/execute: SQL to run on one database; max_rows may be null. */
public record ExecuteRequest(String dbId, String sql, Integer maxRows) {}
