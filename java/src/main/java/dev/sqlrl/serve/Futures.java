package dev.sqlrl.serve;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waits for a batcher's answer on the request thread, unwrapping the failure it completed with. */
final class Futures {
    private Futures() {}

    /** Waits at most the deadline plus a second (the batcher itself fails a request whose deadline passed in the queue). */
    static <T> T await(CompletableFuture<T> future, long timeoutMillis) {
        try {
            return future.get(timeoutMillis + 1_000, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(false);
            throw ServiceUnavailableException.deadline(timeoutMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ServiceUnavailableException.shuttingDown();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error err) throw err;
            throw new IllegalStateException(e.getCause());
        }
    }
}
