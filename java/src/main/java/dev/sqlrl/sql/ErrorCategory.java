package dev.sqlrl.sql;

/** Why a query produced no result; rewards and error reports group failures by it. */
public enum ErrorCategory {
    /** Refused before execution: not exactly one SELECT statement, or too long. */
    REJECTED,
    /** SQLite could not parse the statement. */
    SYNTAX_ERROR,
    UNKNOWN_TABLE,
    UNKNOWN_COLUMN,
    /** The wall-clock deadline passed. */
    TIMEOUT,
    /** The instruction budget ran out. */
    BUDGET_EXCEEDED,
    /** Too many rows, too many result bytes, or a string/blob over the value limit. */
    TOO_LARGE,
    /** Any other SQLite error (unknown function, type mismatch in a function, ...). */
    OTHER
}
