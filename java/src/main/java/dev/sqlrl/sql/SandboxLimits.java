package dev.sqlrl.sql;

/**
 * What one query may consume in the sandbox.
 *
 * @param instructionBudget SQLite virtual-machine instructions a query may run (deterministic,
 *     counted by the progress handler in steps of {@link #PROGRESS_STEP})
 * @param timeoutMillis wall-clock deadline of one query, reading its rows included
 * @param maxRows rows a result may have; one more makes the query fail with TOO_LARGE
 * @param maxResultBytes approximate bytes of all values of a result together
 * @param maxValueBytes the longest string or blob SQLite may build or read (SQLITE_LIMIT_LENGTH); it
 *     also bounds how long one SQLite instruction such as instr() can run, which neither the
 *     progress handler nor an interrupt can stop (instr of 1 MB strings runs for seconds)
 * @param maxSqlChars the longest SQL text accepted
 */
public record SandboxLimits(
        long instructionBudget, long timeoutMillis, int maxRows, long maxResultBytes, int maxValueBytes, int maxSqlChars) {

    /** Instructions between two calls of the progress handler: small enough to stop promptly, large enough to cost nothing. */
    public static final int PROGRESS_STEP = 1_000;

    public SandboxLimits {
        requirePositive("instructionBudget", instructionBudget);
        requirePositive("timeoutMillis", timeoutMillis);
        requirePositive("maxRows", maxRows);
        requirePositive("maxResultBytes", maxResultBytes);
        requirePositive("maxValueBytes", maxValueBytes);
        requirePositive("maxSqlChars", maxSqlChars);
    }

    /**
     * Limits for rewards and evaluation: generous for Spider/BIRD-sized databases (their slowest gold
     * queries run well under a second, their longest values are kilobytes), tight enough that a
     * hostile query ends within seconds.
     */
    public static SandboxLimits defaults() {
        return new SandboxLimits(500_000_000L, 10_000, 100_000, 64L << 20, 256 << 10, 100_000);
    }

    public SandboxLimits withTimeoutMillis(long millis) {
        return new SandboxLimits(instructionBudget, millis, maxRows, maxResultBytes, maxValueBytes, maxSqlChars);
    }

    public SandboxLimits withMaxRows(int rows) {
        return new SandboxLimits(instructionBudget, timeoutMillis, rows, maxResultBytes, maxValueBytes, maxSqlChars);
    }

    public SandboxLimits withInstructionBudget(long instructions) {
        return new SandboxLimits(instructions, timeoutMillis, maxRows, maxResultBytes, maxValueBytes, maxSqlChars);
    }

    public SandboxLimits withMaxResultBytes(long bytes) {
        return new SandboxLimits(instructionBudget, timeoutMillis, maxRows, bytes, maxValueBytes, maxSqlChars);
    }

    private static void requirePositive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException("sandbox limit " + name + " must be positive, got " + value);
        }
    }
}
