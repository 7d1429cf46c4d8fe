package dev.sqlrl.sql;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of one query: its rows, or why there are none.
 *
 * <p>Values are normalized to SQLite's storage classes: {@link Long} (INTEGER), {@link Double}
 * (REAL), {@link String} (TEXT, decoded as UTF-8 with U+FFFD replacing bytes that are not UTF-8),
 * {@link SqlBlob} (BLOB) and {@code null} (NULL). Rows are unmodifiable lists that may hold nulls.
 *
 * @param columns result column names; empty on failure
 * @param rows result rows in SQLite's order; empty on failure
 * @param errorCategory null on success
 * @param errorMessage null on success; otherwise one line that says why
 * @param approximateBytes heap bytes the rows take, roughly (what the byte cap counts)
 * @param elapsedNanos wall-clock time of the execution
 */
public record ExecutionResult(
        List<String> columns,
        List<List<Object>> rows,
        ErrorCategory errorCategory,
        String errorMessage,
        long approximateBytes,
        long elapsedNanos) {

    public ExecutionResult {
        columns = List.copyOf(columns);
        rows = List.copyOf(rows);
        if ((errorCategory == null) != (errorMessage == null)) {
            throw new IllegalArgumentException("a failure needs both a category and a message");
        }
    }

    public static ExecutionResult success(List<String> columns, List<List<Object>> rows, long approximateBytes, long elapsedNanos) {
        return new ExecutionResult(columns, rows, null, null, approximateBytes, elapsedNanos);
    }

    public static ExecutionResult failure(ErrorCategory category, String message, long elapsedNanos) {
        return new ExecutionResult(List.of(), List.of(), Objects.requireNonNull(category), Objects.requireNonNull(message), 0, elapsedNanos);
    }

    public boolean isSuccess() {
        return errorCategory == null;
    }

    /** True when running the same query again could give another outcome (a deadline is not deterministic). */
    public boolean isTransient() {
        return errorCategory == ErrorCategory.TIMEOUT;
    }

    /** "CATEGORY: message" for failures, "N rows" for successes. */
    public String summary() {
        return isSuccess() ? rows.size() + " rows" : errorCategory + ": " + errorMessage;
    }
}
