package dev.lanyard.mcp.token;

/**
 * The bearer token must not be accepted (RFC 6750 {@code invalid_token}: answered with 401). The message is the
 * {@code error_description}: short, safe to show the client, and never containing the token.
 */
public final class InvalidTokenException extends RuntimeException {
    private final transient VerifiedToken genuine;

    public InvalidTokenException(String description) {
        this(description, null);
    }

    /** @param genuine the claims of a token whose signature verified but which expired or was revoked, for the audit trail */
    public InvalidTokenException(String description, VerifiedToken genuine) {
        super(description, null, false, false);
        this.genuine = genuine;
    }

    /** Who presented it, when the token itself was genuine (expired or revoked); else null. */
    public VerifiedToken genuine() {
        return genuine;
    }
}
