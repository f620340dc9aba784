package dev.lanyard.server.http;

/** A refusal with its admin API error code; the message becomes {@code errorSummary} and is shown to the caller. */
public class ApiException extends RuntimeException {
    private final ErrorCode code;

    public ApiException(ErrorCode code, String summary) {
        super(summary, null, false, false);
        this.code = code;
    }

    public ApiException(ErrorCode code) {
        this(code, code.summary());
    }

    public ErrorCode code() {
        return code;
    }

    public static ApiException notFound(String what) {
        return new ApiException(ErrorCode.NOT_FOUND, "Not found: " + what);
    }

    public static ApiException invalid(String summary) {
        return new ApiException(ErrorCode.VALIDATION, summary);
    }
}
