package dev.sqlrl.model;

/** A native call returned an error status other than an invalid argument: a bug or an environment problem. */
public class NativeException extends RuntimeException {
    private final int status;

    public NativeException(String function, int status, String message) {
        super(function + " failed (status " + status + "): " + message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
