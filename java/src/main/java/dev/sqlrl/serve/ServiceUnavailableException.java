package dev.sqlrl.serve;

/** The server cannot take a request now (queue full, shutting down, deadline passed): HTTP 503 or 504. */
public final class ServiceUnavailableException extends RuntimeException {
    private final int status;
    private final int retryAfterSeconds;

    public ServiceUnavailableException(int status, String message, int retryAfterSeconds) {
        super(message);
        this.status = status;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public static ServiceUnavailableException queueFull(int capacity) {
        return new ServiceUnavailableException(503, "the generation queue is full (" + capacity + " requests); retry later", 1);
    }

    public static ServiceUnavailableException shuttingDown() {
        return new ServiceUnavailableException(503, "the server is shutting down", 5);
    }

    public static ServiceUnavailableException deadline(long millis) {
        return new ServiceUnavailableException(504, "the request was not answered within its deadline of " + millis + " ms", 1);
    }

    public int status() {
        return status;
    }

    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
