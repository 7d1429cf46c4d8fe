package dev.sqlrl.sql.spider;

/**
 * How the Spider evaluator scores one (gold, prediction) pair on a database.
 *
 * @param hardness        the gold query's difficulty
 * @param exactMatch      exact set match (EM)
 * @param partial         the per-component partial match (all zeros against the empty query when the
 *                        prediction did not parse)
 * @param predParseError  why process_sql rejects the prediction, or null when it parsed
 */
public record SpiderMatchResult(Hardness hardness, boolean exactMatch, PartialMatch partial, String predParseError) {}
