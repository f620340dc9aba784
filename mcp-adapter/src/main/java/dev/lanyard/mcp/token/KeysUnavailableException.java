package dev.lanyard.mcp.token;

/**
 * The issuer's signing keys could not be obtained, so no token can be judged either way. Answered with 503, not 401:
 * a 401 would tell clients to throw away tokens that may be perfectly good.
 */
public final class KeysUnavailableException extends RuntimeException {
    public KeysUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
