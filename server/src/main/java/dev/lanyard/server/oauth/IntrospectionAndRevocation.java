package dev.lanyard.server.oauth;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.lanyard.server.admin.AdminTokenStore;
import dev.lanyard.server.audit.AuditLog;
import dev.lanyard.server.audit.AuditRecord;
import dev.lanyard.server.http.Caller;
import dev.lanyard.server.http.Ids;
import dev.lanyard.server.http.RawBody;
import dev.lanyard.server.oidc.OAuthReplies;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.text.ParseException;
import java.util.Set;
import java.util.function.Supplier;

/**
 * RFC 7662 introspection and RFC 7009 revocation at every authorization server. Callers authenticate — an agent with
 * private_key_jwt (it may see and revoke only tokens issued to it), or an admin/auditor token as a bearer (any
 * token; auditors may only introspect). Anything not active, not ours, or not the caller's is {@code active:false};
 * revocation answers 200 whatever the token, so it can't be used to probe.
 */
public final class IntrospectionAndRevocation {
    private static final Set<String> PARAMS = Set.of("token", "token_type_hint", "client_id", "client_assertion_type",
            "client_assertion");
    private final String baseUrl;
    private final Supplier<Pool> pool;
    private final ClientAssertionVerifier clients;
    private final TokenStatus status;
    private final TokenSigner signer;
    private final AdminTokenStore adminTokens;
    private final AuditLog audit;

    public IntrospectionAndRevocation(String baseUrl, Supplier<Pool> pool, ClientAssertionVerifier clients,
                                      TokenStatus status, TokenSigner signer, AdminTokenStore adminTokens,
                                      AuditLog audit) {
        this.baseUrl = baseUrl;
        this.pool = pool;
        this.clients = clients;
        this.status = status;
        this.signer = signer;
        this.adminTokens = adminTokens;
        this.audit = audit;
    }

    /** Who is asking: an agent's client id, or an admin token (which may revoke when {@code mayWrite}). */
    private record Requester(String clientId, boolean admin, boolean mayWrite, String actor) {}

    public void mount(Router router, Handler<RoutingContext> readinessGate) {
        RawBody body = RawBody.upTo(TokenForm.MAX_BYTES);
        router.post("/oauth2/v1/introspect").handler(body).handler(readinessGate).handler(ctx -> introspect(ctx, null))
                .failureHandler(OAuthReplies::failure);
        router.post("/oauth2/:server/v1/introspect").handler(body).handler(readinessGate)
                .handler(ctx -> introspect(ctx, ctx.pathParam("server"))).failureHandler(OAuthReplies::failure);
        router.post("/oauth2/v1/revoke").handler(body).handler(readinessGate).handler(ctx -> revoke(ctx, null))
                .failureHandler(OAuthReplies::failure);
        router.post("/oauth2/:server/v1/revoke").handler(body).handler(readinessGate)
                .handler(ctx -> revoke(ctx, ctx.pathParam("server"))).failureHandler(OAuthReplies::failure);
    }

    private void introspect(RoutingContext ctx, String serverId) {
        Future<JsonObject> answer = start(ctx, serverId, "/v1/introspect").compose(in -> status(in.form, serverId)
                .map(record -> {
                    if (record == null || !record.active() || !(in.requester.admin || in.requester.clientId.equals(record.clientId()))) {
                        return new JsonObject().put("active", false);
                    }
                    JsonObject out = new JsonObject().put("active", true).put("jti", record.jti())
                            .put("iss", issuer(serverId)).put("sub", record.subject()).put("aud", record.audience())
                            .put("client_id", record.clientId()).put("exp", record.expiresAt().getEpochSecond())
                            .put("iat", record.issuedAt().getEpochSecond()).put("sid", record.sessionId())
                            .put("token_type", "ACCESS_TOKEN".equals(record.kind()) ? "Bearer" : "N_A");
                    if (!record.scope().isEmpty()) {
                        out.put("scope", record.scope());
                    }
                    if (record.agentId() != null) {
                        out.put("agent_id", record.agentId());
                    }
                    return out;
                }));
        answer.onSuccess(json -> json(ctx, json)).onFailure(e -> fail(ctx, e));
    }

    private void revoke(RoutingContext ctx, String serverId) {
        Caller caller = Caller.of(ctx);
        Future<JsonObject> answer = start(ctx, serverId, "/v1/revoke").compose(in -> {
            if (in.requester.admin && !in.requester.mayWrite) {
                throw new OAuthException("unauthorized_client", "only the admin role may revoke other clients' tokens", 403);
            }
            return status(in.form, serverId).compose(record -> {
                if (record == null || !(in.requester.admin || in.requester.clientId.equals(record.clientId()))) {
                    return Future.succeededFuture(new JsonObject());
                }
                return pool.get().withTransaction(tx -> tx.preparedQuery("UPDATE issued_tokens SET revoked_at = now(), "
                                + "revoked_reason = 'revoked' WHERE jti = $1 AND revoked_at IS NULL")
                        .execute(Tuple.of(record.jti()))
                        .compose(r -> r.rowCount() == 0 ? Future.succeededFuture()
                                : audit.append(tx, new AuditRecord("oauth.token.revoked", in.requester.actor,
                                record.agentId(), AuditRecord.SUCCESS, caller.requestId(), caller.clientIp(),
                                AuditRecord.fields().put("jti", record.jti()).put("session", record.sessionId())
                                        .put("agent", record.agentId()).put("principal", record.userId())
                                        .put("kind", record.kind()))).mapEmpty()))
                        .map(v -> new JsonObject());
            });
        });
        answer.onSuccess(json -> ctx.response().setStatusCode(200).putHeader("Cache-Control", "no-store").end())
                .onFailure(e -> fail(ctx, e));
    }

    private record Incoming(TokenForm form, Requester requester) {}

    private Future<Incoming> start(RoutingContext ctx, String serverId, String path) {
        try {
            if (serverId != null && !Ids.isValid("aus", serverId)) {
                throw new OAuthException("invalid_request", "unknown authorization server", 404);
            }
            TokenForm form = TokenForm.parse(ctx.request().getHeader("Content-Type"), ctx.body().buffer());
            form.allowOnly(PARAMS);
            form.require("token");
            String auth = ctx.request().getHeader("Authorization");
            if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
                return adminTokens.authenticate(pool.get(), auth.substring(7).trim()).map(p -> new Incoming(form,
                        p.map(a -> new Requester(null, true, a.role().mayWrite(), a.actor()))
                                .orElseThrow(() -> OAuthException.invalidClient("invalid bearer token"))));
            }
            String issuer = issuer(serverId);
            return clients.verify(form, Set.of(issuer, issuer + (serverId == null ? "/oauth2" : "") + path,
                            issuer + (serverId == null ? "/oauth2" : "") + "/v1/token"))
                    .map(c -> new Incoming(form, new Requester(c.clientId(), false, true, "agent:" + c.agentId())));
        } catch (OAuthException e) {
            return Future.failedFuture(e);
        }
    }

    /** The record of a token this server issued and signed, or null for anything else. */
    private Future<TokenStatus.Record> status(TokenForm form, String serverId) {
        String jti;
        try {
            SignedJWT jwt = SignedJWT.parse(form.require("token"));
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            if (!issuer(serverId).equals(claims.getIssuer())) {
                return Future.succeededFuture(null);
            }
            String kid = jwt.getHeader().getKeyID();
            var key = kid == null ? null : signer.publicKeys(serverId == null ? TokenSigner.ORG : serverId).getKeyByKeyId(kid);
            var verifier = key == null ? null : JwtRules.verifier(key, jwt.getHeader().getAlgorithm());
            if (verifier == null || !jwt.verify(verifier)) {
                return Future.succeededFuture(null);
            }
            jti = claims.getJWTID();
        } catch (ParseException | com.nimbusds.jose.JOSEException | ClassCastException e) {
            return Future.succeededFuture(null);
        }
        if (jti == null) {
            return Future.succeededFuture(null);
        }
        return status.lookup(jti).map(r -> r.filter(x -> x.serverId().equals(serverId == null ? TokenSigner.ORG : serverId))
                .orElse(null));
    }

    private String issuer(String serverId) {
        return serverId == null ? baseUrl : baseUrl + "/oauth2/" + serverId;
    }

    private static void json(RoutingContext ctx, JsonObject body) {
        ctx.response().setStatusCode(200).putHeader("Content-Type", "application/json")
                .putHeader("Cache-Control", "no-store").end(body.encode());
    }

    private static void fail(RoutingContext ctx, Throwable e) {
        if (e instanceof OAuthException oe) {
            OAuthErrors.write(ctx, oe);
        } else {
            ctx.fail(e);
        }
    }
}
