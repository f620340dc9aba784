package dev.lanyard.server.http;

/** The error codes of the admin API, each with its HTTP status and a default summary. */
public enum ErrorCode {
    VALIDATION("E0000001", 400, "API validation failed"),
    MALFORMED_BODY("E0000003", 400, "The request body was not well-formed"),
    UNSUPPORTED_MEDIA_TYPE("E0000415", 415, "Unsupported media type: send application/json"),
    BODY_TOO_LARGE("E0000413", 413, "Request body is larger than 1 MiB"),
    UNAUTHORIZED("E0000011", 401, "Invalid token provided"),
    FORBIDDEN("E0000006", 403, "You do not have permission to perform the requested action"),
    NOT_FOUND("E0000007", 404, "Not found"),
    METHOD_NOT_ALLOWED("E0000022", 405, "The endpoint does not support the provided HTTP method"),
    CONFLICT("E0000409", 409, "The request conflicts with the current state of the resource"),
    LIFECYCLE("E0000410", 409, "Lifecycle transition not allowed"),
    DUPLICATE("E0000411", 409, "A resource with this unique value already exists"),
    PRECONDITION_FAILED("E0000412", 412, "The resource changed since you read it (If-Match does not match)"),
    PRECONDITION_REQUIRED("E0000428", 428, "This update needs an If-Match header (or a version field) to prevent lost updates"),
    SERVICE_UNAVAILABLE("E0000503", 503, "Service unavailable"),
    INTERNAL("E0000009", 500, "Internal server error");

    private final String code;
    private final int status;
    private final String summary;

    ErrorCode(String code, int status, String summary) {
        this.code = code;
        this.status = status;
        this.summary = summary;
    }

    public String code() {
        return code;
    }

    public int status() {
        return status;
    }

    public String summary() {
        return summary;
    }
}
