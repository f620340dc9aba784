package dev.lanyard.server.oauth;

/**
 * A refusal at an OAuth endpoint, answered in RFC 6749 §5.2 form: {@code {"error","error_description"}} with status
 * 400, or 401 for {@code invalid_client}. The description is shown to the client: never put a token in it.
 */
public class OAuthException extends RuntimeException {
    private final String error;
    private final int status;

    public OAuthException(String error, String description, int status) {
        super(description, null, false, false);
        this.error = error;
        this.status = status;
    }

    public OAuthException(String error, String description) {
        this(error, description, "invalid_client".equals(error) ? 401 : 400);
    }

    public String error() {
        return error;
    }

    public int status() {
        return status;
    }

    public static OAuthException invalidRequest(String description) {
        return new OAuthException("invalid_request", description);
    }

    public static OAuthException invalidClient(String description) {
        return new OAuthException("invalid_client", description, 401);
    }

    public static OAuthException invalidGrant(String description) {
        return new OAuthException("invalid_grant", description);
    }
}
