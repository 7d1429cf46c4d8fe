package dev.sqlrl.reward;

/** What running a completion's SQL against the gold gave, for the execution reward and error statistics. */
public enum ExecutionOutcome {
    /** The result matches the gold's. */
    CORRECT,
    /** The query ran but its result differs. */
    EXECUTABLE_WRONG,
    /** The query failed to run (syntax, unknown table, budget, ...). */
    FAILED,
    /** The completion holds no SQL. */
    NO_SQL,
    /** The gold query itself failed; the prediction was only checked for running. */
    GOLD_FAILED_PREDICTION_RAN,
    /** The gold query failed and so did the prediction. */
    GOLD_FAILED_PREDICTION_FAILED
}
