package dev.lanyard.server.oauth;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.lanyard.server.audit.AuditLog;
import dev.lanyard.server.audit.AuditRecord;
import dev.lanyard.server.http.Caller;
import dev.lanyard.server.store.Database;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * The last step of every grant: sign, then record the token and its audit event in one transaction (shared with
 * other issuances committing at the same moment, see {@link AuditLog#appendGrouped}). The token is returned only once
 * both are committed — an issuance nobody can trace or revoke must not happen.
 */
public final class TokenIssuance {
    private final Vertx vertx;
    private final Database db;
    private final TokenSigner signer;
    private final TokenRegistry registry;
    private final AuditLog audit;

    public TokenIssuance(Vertx vertx, Database db, TokenSigner signer, TokenRegistry registry, AuditLog audit) {
        this.vertx = vertx;
        this.db = db;
        this.signer = signer;
        this.registry = registry;
        this.audit = audit;
    }

    /**
     * @param event   audit event type, e.g. {@code oauth.token.issued}
     * @param details what the audit event says beyond the token record (grant, requested scopes, decision)
     */
    public Future<String> issue(Caller caller, String event, JOSEObjectType typ, JWTClaimsSet claims, IssuedToken token,
                                ObjectNode details) {
        return signer.ensure(token.serverId())
                .compose(ready -> sign(token.serverId(), typ, claims))
                .compose(jwt -> record(caller, event, jwt, token, details));
    }

    /** ES256 (≈ 0.1 ms) where we are; RS256 (≈ 1 ms) on the worker pool, where it holds up no other request. */
    private Future<String> sign(String serverId, JOSEObjectType typ, JWTClaimsSet claims) {
        if (signer.signsCheaply(serverId)) {
            return Future.succeededFuture(signer.sign(serverId, typ, claims));
        }
        return vertx.executeBlocking(() -> signer.sign(serverId, typ, claims), false);
    }

    private Future<String> record(Caller caller, String event, String jwt, IssuedToken token, ObjectNode details) {
        details.put("jti", token.jti()).put("kind", token.kind()).put("server", token.serverId())
                .put("client_id", token.clientId()).put("agent", token.agentId()).put("principal", token.userId())
                .put("audience", token.audience()).put("scope_granted", token.scope())
                .put("session", token.sessionId()).put("expires_at", token.expiresAt().toString());
        return audit.appendGrouped(db.pool(), new AuditRecord(event, "agent:" + token.agentId(),
                        token.userId() != null ? token.userId() : token.agentId(), AuditRecord.SUCCESS,
                        caller.requestId(), caller.clientIp(), details), registry, token)
                .map(e -> jwt);
    }

    /** The RFC 6749 §5.1 answer. */
    public static JsonObject response(String token, String tokenType, long expiresIn, String scope) {
        JsonObject body = new JsonObject().put("access_token", token).put("token_type", tokenType)
                .put("expires_in", expiresIn);
        if (scope != null && !scope.isEmpty()) {
            body.put("scope", scope);
        }
        return body;
    }
}
