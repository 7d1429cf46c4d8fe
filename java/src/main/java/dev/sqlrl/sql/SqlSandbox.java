package dev.sqlrl.sql;

import dev.sqlrl.UserInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Runs untrusted SQL on SQLite databases without letting it change anything, run away, or take the
 * calling process down.
 *
 * <ul>
 *   <li>Only one SELECT (or WITH ... SELECT, or VALUES) statement of a bounded shape; anything else
 *       is REJECTED before execution, with the reason ({@link StatementGuard}), and again by SQLite's
 *       own compiler, which also refuses writes and functions off the allow-list ({@link
 *       CompiledQueryCheck}).
 *   <li>Queries run in worker processes ({@link SandboxWorkerPool}): a crash, a native stack
 *       overflow, a compile-time explosion or an allocation storm ends one worker, whose query then
 *       fails (TIMEOUT when the watchdog stopped it at its deadline plus a slack); workers have
 *       capped memory. {@link Isolation#IN_PROCESS} runs them in this JVM instead, only where asked
 *       for (benchmarks comparing the two).
 *   <li>Connections are opened read-only and immutable, with {@code query_only}, no extension
 *       loading, no ATTACH, SQLite limits on expression depth, compound selects, program size, LIKE
 *       patterns and parameters, and temporary storage in memory ({@link SandboxConnectionPool}).
 *   <li>Each query has an instruction budget and a deadline (SQLite's progress handler), a row cap,
 *       a cap on the bytes of its result, and a cap on any one string or blob (SQLITE_LIMIT_LENGTH).
 * </ul>
 *
 * <p>Thread-safe: any number of threads may call {@link #execute} at once; each uses its own
 * worker. Failures of the query come back as {@link ExecutionResult}s; a database file that does
 * not exist or cannot be opened throws {@link UserInputException}.
 */
public final class SqlSandbox implements AutoCloseable {

    /** Where queries run. */
    public enum Isolation {
        /** In sandbox worker processes: the default, for training, evaluation and serving. */
        WORKER_PROCESSES,
        /** In this JVM: no protection from crashes or compile-time explosions; for measuring what isolation costs. */
        IN_PROCESS
    }

    private final SandboxLimits limits;
    private final SqliteExecutor inProcess;
    private final SandboxWorkerPool workers;

    public SqlSandbox(SandboxLimits limits) {
        this(limits, Math.max(2, Runtime.getRuntime().availableProcessors()));
    }

    /** @param maxIdle workers (or, in process, connections per database) kept between queries */
    public SqlSandbox(SandboxLimits limits, int maxIdle) {
        this(limits, maxIdle, Isolation.WORKER_PROCESSES);
    }

    public SqlSandbox(SandboxLimits limits, int maxIdle, Isolation isolation) {
        this.limits = limits;
        this.inProcess = isolation == Isolation.IN_PROCESS ? new SqliteExecutor(limits, maxIdle) : null;
        this.workers = isolation == Isolation.WORKER_PROCESSES ? new SandboxWorkerPool(limits, maxIdle) : null;
    }

    public SandboxLimits limits() {
        return limits;
    }

    /** Runs {@code sql} on the SQLite file {@code database}; never throws for a bad query. */
    public ExecutionResult execute(Path database, String sql) {
        long start = System.nanoTime();
        Optional<String> rejection = StatementGuard.rejection(sql, limits.maxSqlChars());
        if (rejection.isPresent()) {
            return ExecutionResult.failure(ErrorCategory.REJECTED, rejection.get(), System.nanoTime() - start);
        }
        Path key = databaseKey(database);
        String statement = StatementGuard.statementText(sql);
        return inProcess != null ? inProcess.execute(key, statement, start) : workers.execute(key, statement, start);
    }

    /** Process ids of the idle sandbox workers; empty in process. */
    List<Long> idleWorkerPids() {
        return workers == null ? List.of() : workers.idleWorkerPids();
    }

    private static Path databaseKey(Path database) {
        if (!Files.isRegularFile(database)) {
            throw new UserInputException("database file not found: " + database);
        }
        try {
            return database.toRealPath();
        } catch (IOException e) {
            throw new UserInputException("cannot read database file " + database + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        if (inProcess != null) inProcess.close();
        if (workers != null) workers.close();
    }
}
