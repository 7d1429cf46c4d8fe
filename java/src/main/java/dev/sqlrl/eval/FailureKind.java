package dev.sqlrl.eval;

import dev.sqlrl.sql.ErrorCategory;

/** Why a prediction scored EX 0, as eval-sql reports it ("error_category" in the results). */
public enum FailureKind {
    /** The model's answer held no SQL (sqlrl eval only; eval-sql scores predictions as given). */
    NO_SQL("no_sql"),
    SYNTAX_ERROR("syntax_error"),
    UNKNOWN_TABLE("unknown_table"),
    UNKNOWN_COLUMN("unknown_column"),
    /** The wall-clock deadline, the instruction budget, or the row/byte caps ran out. */
    TIMEOUT_BUDGET("timeout_budget"),
    /** The sandbox refused it before running (not one SELECT statement, too long). */
    REJECTED("rejected"),
    /** Any other SQLite error. */
    EXECUTION_ERROR("execution_error"),
    WRONG_ROW_COUNT("wrong_result_row_count"),
    WRONG_COLUMNS("wrong_result_columns"),
    WRONG_VALUES("wrong_result_values"),
    /** Same rows, other order, where the gold has ORDER BY. */
    WRONG_ORDER("wrong_result_order"),
    /** The gold query failed, so the pair cannot be scored. */
    GOLD_FAILED("gold_failed");

    private final String id;

    FailureKind(String id) {
        this.id = id;
    }

    /** The value written in the results and the report. */
    public String id() {
        return id;
    }

    static FailureKind ofExecutionError(ErrorCategory category) {
        return switch (category) {
            case SYNTAX_ERROR -> SYNTAX_ERROR;
            case UNKNOWN_TABLE -> UNKNOWN_TABLE;
            case UNKNOWN_COLUMN -> UNKNOWN_COLUMN;
            case TIMEOUT, BUDGET_EXCEEDED, TOO_LARGE -> TIMEOUT_BUDGET;
            case REJECTED -> REJECTED;
            case OTHER -> EXECUTION_ERROR;
        };
    }
}
