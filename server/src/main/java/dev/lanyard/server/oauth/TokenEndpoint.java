package dev.lanyard.server.oauth;

import dev.lanyard.server.audit.AuditLog;
import dev.lanyard.server.audit.AuditRecord;
import dev.lanyard.server.http.Caller;
import dev.lanyard.server.http.Ids;
import dev.lanyard.server.http.RawBody;
import dev.lanyard.server.oidc.OAuthReplies;
import dev.lanyard.server.store.ReadCache;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The token endpoints: {@code POST /oauth2/v1/token} at the org authorization server and
 * {@code POST /oauth2/{id}/v1/token} at each resource authorization server. Parses the form strictly, authenticates
 * the client, dispatches on {@code grant_type}, and answers RFC 6749 JSON. Every refusal is audited.
 */
public final class TokenEndpoint {
    private static final Logger LOG = LoggerFactory.getLogger(TokenEndpoint.class);
    private final String baseUrl;
    private final Supplier<Pool> pool;
    private final ClientAssertionVerifier clients;
    private final GrantFacts facts;
    private final ReadCache<GrantFacts.Server> servers;
    private final AuditLog audit;
    private final Map<String, Grant> orgGrants = new LinkedHashMap<>();
    private final Map<String, Grant> serverGrants = new LinkedHashMap<>();

    public TokenEndpoint(String baseUrl, Supplier<Pool> pool, ClientAssertionVerifier clients,
                         GrantFacts facts, ReadCache<GrantFacts.Server> serverCache, AuditLog audit, List<Grant> org,
                         List<Grant> servers) {
        this.baseUrl = baseUrl;
        this.pool = pool;
        this.clients = clients;
        this.facts = facts;
        this.servers = serverCache;
        this.audit = audit;
        org.forEach(g -> orgGrants.put(g.grantType(), g));
        servers.forEach(g -> serverGrants.put(g.grantType(), g));
    }

    public void mount(Router router, io.vertx.core.Handler<RoutingContext> readinessGate, boolean org) {
        RawBody body = RawBody.upTo(TokenForm.MAX_BYTES);
        if (org) {
            router.post("/oauth2/v1/token").handler(body).handler(readinessGate).handler(ctx -> handle(ctx, null))
                    .failureHandler(OAuthReplies::failure);
        }
        router.post("/oauth2/:server/v1/token").handler(body).handler(readinessGate)
                .handler(ctx -> handle(ctx, ctx.pathParam("server"))).failureHandler(OAuthReplies::failure);
    }

    private void handle(RoutingContext ctx, String serverId) {
        Caller caller = Caller.of(ctx);
        String[] grantType = {null};
        AuthenticatedClient[] client = {null};
        TokenForm[] parsed = {null};
        Future<JsonObject> answer;
        try {
            TokenForm form = TokenForm.parse(ctx.request().getHeader("Content-Type"), ctx.body().buffer());
            parsed[0] = form;
            grantType[0] = form.require("grant_type");
            Map<String, Grant> grants = serverId == null ? orgGrants : serverGrants;
            Grant grant = grants.get(grantType[0]);
            if (grant == null) {
                throw new OAuthException("unsupported_grant_type", "grant_type '" + TokenForm.safe(grantType[0])
                        + "' is not supported at this authorization server");
            }
            form.allowOnly(grant.parameters());
            answer = server(serverId).compose(server -> {
                String issuer = serverId == null ? baseUrl : baseUrl + "/oauth2/" + serverId;
                String authorization = ctx.request().getHeader("Authorization");
                if (grant.authenticatesClient() && !form.has("client_assertion")) {
                    return grant.handle(new GrantRequest(form, null, authorization, caller, issuer, server));
                }
                Set<String> audiences = Set.of(issuer, issuer + (serverId == null ? "/oauth2" : "") + "/v1/token");
                // a grant that does not overlap the claim gets the request only once the claim has succeeded
                return clients.authenticate(form, audiences).compose(a -> grant.overlapsAssertionClaim()
                        ? Future.succeededFuture(a) : a.assertionClaimed().map(a)).compose(auth -> {
                    Future<JsonObject> granted;
                    try {
                        granted = grant.handle(new GrantRequest(form, agentOnly(grant, auth.client()), authorization,
                                caller, issuer, server, auth.assertionClaimed()));
                    } catch (RuntimeException e) {
                        granted = Future.failedFuture(e);
                    }
                    // whatever the grant concluded, a replayed assertion is refused as one, and nothing is answered
                    // before the claim is settled
                    return granted.transform(outcome -> auth.assertionClaimed().transform(claim -> {
                        if (claim.failed()) {
                            return Future.failedFuture(claim.cause());
                        }
                        client[0] = auth.client();
                        return outcome.succeeded() ? Future.succeededFuture(outcome.result())
                                : Future.failedFuture(outcome.cause());
                    }));
                });
            });
        } catch (OAuthException e) {
            answer = Future.failedFuture(e);
        }
        answer.onSuccess(json -> ctx.response().setStatusCode(200)
                        .putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
                        .putHeader("Pragma", "no-cache").end(json.encode()))
                .onFailure(e -> refuse(ctx, caller, serverId, grantType[0], client[0], parsed[0], e));
    }

    private static AuthenticatedClient agentOnly(Grant grant, AuthenticatedClient client) {
        if (client.agentId() == null && !grant.authenticatesClient()) {
            throw new OAuthException("unauthorized_client", "only AI agents may use this grant");
        }
        return client;
    }

    /**
     * The named resource authorization server, active, from memory when it can: this check only routes the request
     * and refuses early. The grant reads the server again with its other facts, and that read decides.
     */
    private Future<GrantFacts.Server> server(String serverId) {
        if (serverId == null) {
            return Future.succeededFuture(null);
        }
        if (!Ids.isValid("aus", serverId)) {
            return Future.failedFuture(new OAuthException("invalid_request", "unknown authorization server", 404));
        }
        return servers.get(serverId, () -> facts.server(serverId).map(GrantFacts.Server::requireActive));
    }

    private void refuse(RoutingContext ctx, Caller caller, String serverId, String grantType, AuthenticatedClient client,
                        TokenForm form, Throwable failure) {
        OAuthException e;
        if (failure instanceof OAuthException oe) {
            e = oe;
        } else {
            LOG.atError().setCause(failure).addKeyValue("request_id", caller.requestId()).log("token request failed");
            e = new OAuthException("server_error", "internal error; quote request id " + caller.requestId(), 500);
        }
        var details = AuditRecord.fields().put("grant_type", grantType).put("server", serverId == null ? "org" : serverId)
                .put("error", e.error()).put("error_description", e.getMessage())
                .put("client_id", client == null ? null : client.clientId());
        if (form != null) {
            // what was asked for, never a credential: no assertion, subject token or client assertion
            form.get("resource").ifPresent(r -> details.put("resource", TokenForm.safe(r)));
            form.get("audience").ifPresent(a -> details.put("audience", TokenForm.safe(a)));
            form.get("scope").ifPresent(sc -> details.put("scope_requested", TokenForm.safe(sc)));
        }
        if (e instanceof PolicyDenied denied) {
            details.put("decision", "deny").put("decision_id", denied.decision().decisionId());
            Object approval = denied.decision().obligations().get("approval_id");
            if (approval != null) {
                details.put("approval", approval.toString());
            }
        }
        String actor = client == null ? "anonymous" : "agent:" + client.agentId();
        audit.appendAlone(pool.get(), new AuditRecord("oauth.token.refused", actor,
                        client == null ? null : client.agentId(), AuditRecord.DENY, caller.requestId(), caller.clientIp(), details))
                .onComplete(ar -> {
                    if (ar.failed()) {
                        LOG.error("could not audit a refused token request (request {})", caller.requestId(), ar.cause());
                    }
                    OAuthErrors.write(ctx, e);
                });
    }
}
