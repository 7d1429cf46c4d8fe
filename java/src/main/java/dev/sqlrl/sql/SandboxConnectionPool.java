package dev.sqlrl.sql;

import dev.sqlrl.UserInputException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import org.sqlite.ProgressHandler;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteLimits;
import org.sqlite.SQLiteOpenMode;

/**
 * Read-only SQLite connections, kept per database file for reuse (opening one and reading the
 * schema costs more than a typical Spider query). Thread-safe; a connection is used by one
 * thread at a time, between {@link #acquire} and {@link #release}.
 */
final class SandboxConnectionPool implements AutoCloseable {

    /** A pooled connection and its progress handler. */
    record PooledConnection(Path database, SQLiteConnection connection, ExecutionBudget budget) {}

    private final SandboxLimits limits;
    private final int maxIdlePerDatabase;
    private final Map<Path, ConcurrentLinkedDeque<PooledConnection>> idle = new ConcurrentHashMap<>();
    private volatile boolean closed;

    SandboxConnectionPool(SandboxLimits limits, int maxIdlePerDatabase) {
        this.limits = limits;
        this.maxIdlePerDatabase = maxIdlePerDatabase;
    }

    /** A connection to {@code database}, which must be a real path (the pool's key). */
    PooledConnection acquire(Path database) {
        if (closed) throw new IllegalStateException("the SQL sandbox is closed");
        PooledConnection pooled = idle.computeIfAbsent(database, key -> new ConcurrentLinkedDeque<>()).pollFirst();
        return pooled != null ? pooled : open(database);
    }

    void release(PooledConnection pooled) {
        ConcurrentLinkedDeque<PooledConnection> queue = idle.get(pooled.database());
        if (closed || queue.size() >= maxIdlePerDatabase) {
            closeQuietly(pooled);
            return;
        }
        queue.addFirst(pooled);
        if (closed && queue.remove(pooled)) closeQuietly(pooled);
    }

    /** Drops a connection whose state is in doubt. */
    void discard(PooledConnection pooled) {
        closeQuietly(pooled);
    }

    private PooledConnection open(Path database) {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.resetOpenMode(SQLiteOpenMode.READWRITE);
        config.resetOpenMode(SQLiteOpenMode.CREATE);
        config.setOpenMode(SQLiteOpenMode.READONLY);
        config.setOpenMode(SQLiteOpenMode.OPEN_URI);
        config.enableLoadExtension(false);
        config.setBusyTimeout(1_000);
        // immutable=1: no locks, no journal or -shm/-wal files, so reading leaves the folder as it was.
        String url = "jdbc:sqlite:file:" + database.toUri().getRawPath() + "?mode=ro&immutable=1";
        SQLiteConnection connection;
        try {
            connection = (SQLiteConnection) config.createConnection(url);
        } catch (SQLException e) {
            throw new UserInputException("cannot open database " + database + ": " + e.getMessage(), e);
        }
        try {
            connection.setLimit(SQLiteLimits.SQLITE_LIMIT_LENGTH, limits.maxValueBytes());
            connection.setLimit(SQLiteLimits.SQLITE_LIMIT_SQL_LENGTH, (int) Math.min(Integer.MAX_VALUE, 4L * limits.maxSqlChars()));
            connection.setLimit(SQLiteLimits.SQLITE_LIMIT_ATTACHED, 0);
            // SQLite's own bounds on what a statement may compile to: the native stack (expression depth,
            // compound selects), compile time and memory (program size), LIKE/GLOB cost, and no parameters.
            connection.setLimit(SQLiteLimits.SQLITE_LIMIT_EXPR_DEPTH, SqliteCompileLimits.EXPRESSION_DEPTH);
            connection.setLimit(SQLiteLimits.SQLITE_LIMIT_COMPOUND_SELECT, SqliteCompileLimits.COMPOUND_SELECTS);
            connection.setLimit(SQLiteLimits.SQLITE_LIMIT_VDBE_OP, SqliteCompileLimits.PROGRAM_OPCODES);
            connection.setLimit(SQLiteLimits.SQLITE_LIMIT_LIKE_PATTERN_LENGTH, SqliteCompileLimits.LIKE_PATTERN_BYTES);
            connection.setLimit(SQLiteLimits.SQLITE_LIMIT_FUNCTION_ARG, SqliteCompileLimits.FUNCTION_ARGUMENTS);
            connection.setLimit(SQLiteLimits.SQLITE_LIMIT_COLUMN, SqliteCompileLimits.COLUMNS);
            connection.setLimit(SQLiteLimits.SQLITE_LIMIT_VARIABLE_NUMBER, 0);
            connection.setLimit(SQLiteLimits.SQLITE_LIMIT_WORKER_THREADS, 0);
            try (Statement statement = connection.createStatement()) {
                statement.execute("PRAGMA query_only = 1");
                statement.execute("PRAGMA trusted_schema = 0");
                // sorts and temporary b-trees in memory, where SQLite's heap limit bounds them, never in files
                statement.execute("PRAGMA temp_store = MEMORY");
            }
            ExecutionBudget budget = new ExecutionBudget();
            ProgressHandler.setHandler(connection, SandboxLimits.PROGRESS_STEP, budget);
            return new PooledConnection(database, connection, budget);
        } catch (SQLException e) {
            closeQuietly(new PooledConnection(database, connection, null));
            throw new IllegalStateException("cannot configure the sandbox connection to " + database + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        closed = true;
        for (ConcurrentLinkedDeque<PooledConnection> queue : idle.values()) {
            PooledConnection pooled;
            while ((pooled = queue.pollFirst()) != null) closeQuietly(pooled);
        }
    }

    private static void closeQuietly(PooledConnection pooled) {
        try {
            pooled.connection().close();
        } catch (SQLException ignored) {
            // closing a read-only connection has nothing to lose
        }
    }
}
