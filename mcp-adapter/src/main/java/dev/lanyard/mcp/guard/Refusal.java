package dev.lanyard.mcp.guard;

import dev.lanyard.mcp.jsonrpc.JsonRpcError;
import dev.lanyard.mcp.resource.BearerChallenge;
import dev.lanyard.mcp.token.VerifiedToken;

/**
 * A request the adapter answers itself at the HTTP level: a bearer challenge (401/403/400, RFC 6750/9728) or a
 * JSON-RPC error with its HTTP status (503 while authorization is impossible, 400 for malformed messages).
 * Exactly one of {@code challenge} and {@code error} is set.
 *
 * @param reason what the audit trail records (never shown beyond the challenge's description)
 */
public final class Refusal extends RuntimeException {
    private final transient BearerChallenge challenge;
    private final transient JsonRpcError error;
    private final transient VerifiedToken token;

    private Refusal(BearerChallenge challenge, JsonRpcError error, String reason, VerifiedToken token) {
        super(reason, null, false, false);
        this.challenge = challenge;
        this.error = error;
        this.token = token;
    }

    public static Refusal challenge(BearerChallenge c, String reason) {
        return new Refusal(c, null, reason, null);
    }

    /** A challenge for a genuine token that no longer counts (expired, revoked): the audit trail still says whose. */
    public static Refusal challenge(BearerChallenge c, String reason, VerifiedToken genuine) {
        return new Refusal(c, null, reason, genuine);
    }

    public static Refusal error(JsonRpcError e) {
        return new Refusal(null, e, e.message(), null);
    }

    /** The claims of the refused token when it was genuine, else null. */
    public VerifiedToken token() {
        return token;
    }

    public int status() {
        return challenge != null ? challenge.status() : error.httpStatus();
    }

    /** Null unless this is a bearer challenge. */
    public BearerChallenge challenge() {
        return challenge;
    }

    /** Null unless this is a JSON-RPC error. */
    public JsonRpcError error() {
        return error;
    }

    public String reason() {
        return getMessage();
    }
}
