package dev.sqlrl.sql;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs one query on a pooled read-only SQLite connection in this process: SQLite's own check of the
 * compiled statement ({@link CompiledQueryCheck}), then the instruction budget and deadline
 * (SQLite's progress handler), the row cap and the cap on the result's bytes, checked value by
 * value. This is what a sandbox worker process runs; {@link SqlSandbox} decides in which process.
 * Thread-safe; each call uses its own connection.
 */
final class SqliteExecutor implements AutoCloseable {

    /** sqlite-jdbc wraps SQLite's message as "[CODE] description (message)". */
    private static final Pattern SQLITE_MESSAGE = Pattern.compile("^\\[SQLITE_\\w+\\][^(]*\\((.*)\\)\\s*$", Pattern.DOTALL);

    private final SandboxLimits limits;
    private final SandboxConnectionPool pool;

    /** @param maxIdleConnectionsPerDatabase connections kept open per database between queries */
    SqliteExecutor(SandboxLimits limits, int maxIdleConnectionsPerDatabase) {
        SqliteJdbcLibrary.useCachedCopy();
        this.limits = limits;
        this.pool = new SandboxConnectionPool(limits, maxIdleConnectionsPerDatabase);
    }

    /**
     * Runs one statement (the text {@link StatementGuard} passed) on {@code database}, a real path;
     * never throws for a bad query; the deadline counts from {@code start} (System.nanoTime()).
     */
    ExecutionResult execute(Path database, String sql, long start) {
        SandboxConnectionPool.PooledConnection pooled = pool.acquire(database);
        boolean reusable = true;
        try {
            return run(pooled, sql, start);
        } catch (RuntimeException | Error e) {
            reusable = false;
            throw e;
        } finally {
            if (reusable) pool.release(pooled);
            else pool.discard(pooled);
        }
    }

    private ExecutionResult run(SandboxConnectionPool.PooledConnection pooled, String sql, long start) {
        long deadline = start + limits.timeoutMillis() * 1_000_000L;
        pooled.budget().start(limits.instructionBudget(), deadline);
        try {
            Optional<String> refused = CompiledQueryCheck.rejection(pooled.connection(), sql);
            if (refused.isPresent()) return failure(ErrorCategory.REJECTED, refused.get(), start);
        } catch (SQLException e) {
            return classify(e, pooled.budget().exhausted(), start);
        }
        try (Statement statement = pooled.connection().createStatement();
                ResultSet resultSet = statement.executeQuery(sql)) {
            ResultSetMetaData meta = resultSet.getMetaData();
            int columnCount = meta.getColumnCount();
            List<String> columns = new ArrayList<>(columnCount);
            for (int i = 1; i <= columnCount; i++) columns.add(meta.getColumnName(i));
            List<List<Object>> rows = new ArrayList<>();
            long bytes = 0;
            while (resultSet.next()) {
                if (rows.size() >= limits.maxRows()) {
                    return failure(ErrorCategory.TOO_LARGE, "the result has more than " + limits.maxRows() + " rows", start);
                }
                Object[] values = new Object[columnCount];
                bytes += 16 + 8L * columnCount;
                for (int i = 0; i < columnCount; i++) {
                    values[i] = normalize(resultSet.getObject(i + 1));
                    bytes += approximateBytes(values[i]);
                    // value by value: one row of many wide columns must not be built whole before the cap is seen
                    if (bytes > limits.maxResultBytes()) {
                        return failure(ErrorCategory.TOO_LARGE, "the result is larger than " + limits.maxResultBytes() + " bytes", start);
                    }
                }
                rows.add(Collections.unmodifiableList(Arrays.asList(values)));
                if (System.nanoTime() - deadline > 0) {
                    return failure(ErrorCategory.TIMEOUT, timeoutMessage(), start);
                }
            }
            return ExecutionResult.success(columns, rows, bytes, System.nanoTime() - start);
        } catch (SQLException e) {
            return classify(e, pooled.budget().exhausted(), start);
        }
    }

    private ExecutionResult classify(SQLException e, ErrorCategory stoppedBy, long start) {
        String message = sqliteMessage(e);
        if (stoppedBy == ErrorCategory.TIMEOUT) return failure(ErrorCategory.TIMEOUT, timeoutMessage(), start);
        if (stoppedBy == ErrorCategory.BUDGET_EXCEEDED) {
            return failure(ErrorCategory.BUDGET_EXCEEDED, "the query ran more than " + limits.instructionBudget() + " SQLite instructions", start);
        }
        String lower = message.toLowerCase(java.util.Locale.ROOT);
        ErrorCategory category;
        if (lower.contains("too many sql variables")) {
            category = ErrorCategory.REJECTED;
            message = "query parameters ($name, :name, ?) are not allowed in the sandbox";
        } else if (lower.startsWith("no such table")) category = ErrorCategory.UNKNOWN_TABLE;
        else if (lower.startsWith("no such column")) category = ErrorCategory.UNKNOWN_COLUMN;
        else if (lower.contains("syntax error") || lower.contains("incomplete input") || lower.contains("unrecognized token")) {
            category = ErrorCategory.SYNTAX_ERROR;
        } else if (lower.contains("string or blob too big")) {
            category = ErrorCategory.TOO_LARGE;
            message = message + " (strings and blobs are limited to " + limits.maxValueBytes() + " bytes)";
        } else if (lower.contains("too large") || lower.contains("too many") || lower.contains("stack overflow")
                || lower.contains("out of memory")) {
            category = ErrorCategory.TOO_LARGE;
        } else if (lower.contains("readonly") || lower.contains("read-only") || lower.contains("not authorized")) {
            category = ErrorCategory.REJECTED;
        } else category = ErrorCategory.OTHER;
        return failure(category, message, start);
    }

    private String timeoutMessage() {
        return "the query ran longer than " + limits.timeoutMillis() + " ms";
    }

    private static ExecutionResult failure(ErrorCategory category, String message, long start) {
        return ExecutionResult.failure(category, message, System.nanoTime() - start);
    }

    static String sqliteMessage(SQLException e) {
        String raw = String.valueOf(e.getMessage());
        Matcher matcher = SQLITE_MESSAGE.matcher(raw);
        return dev.sqlrl.OneLine.of(matcher.matches() ? matcher.group(1) : raw);
    }

    /** sqlite-jdbc hands out Integer for small INTEGERs and byte[] for BLOBs; results use Long and SqlBlob. */
    private static Object normalize(Object value) {
        if (value instanceof Integer small) return small.longValue();
        if (value instanceof byte[] bytes) return new SqlBlob(bytes);
        return value;
    }

    private static long approximateBytes(Object value) {
        if (value instanceof String text) return 40L + 2L * text.length();
        if (value instanceof SqlBlob blob) return 32L + blob.length();
        return 16;
    }

    @Override
    public void close() {
        pool.close();
    }
}
