package dev.sqlrl.serve;

/** A request the server refuses: its HTTP status and the {"error": {"code", "message"}} it answers with. */
public final class ApiException extends RuntimeException {
    private final int status;
    private final String code;

    public ApiException(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, "invalid_request", message);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }
}
