package dev.sqlrl.serve;

import dev.sqlrl.sql.ExecutionResult;
import dev.sqlrl.sql.SqlSandbox;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Runs SQL for the API: the validation layer first, then only the sandbox (read-only, one statement, budgets).
 * Results are cut to the request's max_rows; values become JSON-friendly (blobs as hex strings).
 */
public final class SqlRunner implements AutoCloseable {
    private final SqlSandbox sandbox;
    private final int maxRows;

    public SqlRunner(SqlSandbox sandbox, int maxRows) {
        this.sandbox = sandbox;
        this.maxRows = maxRows;
    }

    /** The longest SQL text the sandbox accepts. */
    public int maxSqlChars() {
        return sandbox.limits().maxSqlChars();
    }

    /** The max_rows of a request: at least 1, at most the sandbox's row cap (default 100). */
    public int rowLimit(Integer requested) {
        if (requested == null) return Math.min(100, maxRows);
        if (requested < 1 || requested > maxRows) {
            throw ApiException.badRequest("max_rows must be between 1 and " + maxRows + ", got " + requested);
        }
        return requested;
    }

    /** Runs already validated SQL in the sandbox. */
    public ExecutionResult run(ServedDatabase database, String sql) {
        return sandbox.execute(database.file(), sql);
    }

    /** The first {@code limit} rows with JSON-friendly values. */
    public static List<List<Object>> jsonRows(ExecutionResult result, int limit) {
        List<List<Object>> rows = new ArrayList<>();
        for (List<Object> row : result.rows().subList(0, Math.min(limit, result.rows().size()))) {
            List<Object> out = new ArrayList<>(row.size());
            for (Object value : row) {
                out.add(value instanceof dev.sqlrl.sql.SqlBlob blob ? "x'" + HexFormat.of().formatHex(blob.bytes()) + "'" : value);
            }
            rows.add(out);
        }
        return rows;
    }

    /** POST /v1/execute: invalid SQL is the caller's mistake (400), a failed run too (422). */
    public ExecuteResponse execute(ServedDatabase database, String sql, Integer requestedRows) {
        int limit = rowLimit(requestedRows);
        SqlValidation validation = SqlValidator.validate(sql, database.schema());
        if (!validation.valid()) throw new InvalidSqlException(validation.problems());
        ExecutionResult result = run(database, sql);
        if (!result.isSuccess()) {
            throw new ApiException(422, "execution_failed", result.errorCategory() + ": " + result.errorMessage());
        }
        return new ExecuteResponse(result.columns(), jsonRows(result, limit), result.rows().size() > limit,
                result.elapsedNanos() / 1e6);
    }

    @Override
    public void close() {
        sandbox.close();
    }
}
