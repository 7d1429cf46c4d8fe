package dev.sqlrl.sql;

import org.sqlite.ProgressHandler;

/**
 * SQLite's progress handler for one connection: stops the running statement when its instruction
 * budget or its deadline is spent, and remembers which of the two stopped it. SQLite calls it on
 * the executing thread, between virtual-machine instructions.
 */
final class ExecutionBudget extends ProgressHandler {
    private long stepsLeft = Long.MAX_VALUE;
    private long deadlineNanos = Long.MAX_VALUE;
    private ErrorCategory exhausted;

    void start(long instructions, long deadline) {
        stepsLeft = Math.max(1, instructions / SandboxLimits.PROGRESS_STEP);
        deadlineNanos = deadline;
        exhausted = null;
    }

    /** TIMEOUT or BUDGET_EXCEEDED when this handler interrupted the statement, else null. */
    ErrorCategory exhausted() {
        return exhausted;
    }

    @Override
    protected int progress() {
        if (--stepsLeft < 0) {
            exhausted = ErrorCategory.BUDGET_EXCEEDED;
            return 1;
        }
        if (System.nanoTime() - deadlineNanos > 0) {
            exhausted = ErrorCategory.TIMEOUT;
            return 1;
        }
        return 0;
    }
}
