package dev.summarizer.serving;

/**
 * An HTTP error answered with {@code {"error": {"code", "message", "field"}}}: bad requests (400), limits
 * (413, 422), authentication (401), load (503) and time (504).
 */
public class ApiException extends RuntimeException {
    private final int status;
    private final String code;
    private final String field;

    public ApiException(int status, String code, String message, String field) {
        super(message);
        this.status = status;
        this.code = code;
        this.field = field;
    }

    public static ApiException badRequest(String code, String message, String field) {
        return new ApiException(400, code, message, field);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String field() {
        return field;
    }
}
