package dev.sqlrl.dist;

/**
 * A collective that could not complete: another rank stopped, or stopped answering within distributed.timeout_seconds.
 * Not a bug here and not the user's input: the CLI prints its one-line message and exits 1.
 */
public final class DistributedException extends RuntimeException {
    public DistributedException(String message) {
        super(message);
    }
}
