package dev.lanyard.server.oauth;

import dev.lanyard.server.admin.AdminTokenStore;
import dev.lanyard.server.audit.AuditLog;
import dev.lanyard.server.audit.AuditNotifications;
import dev.lanyard.server.audit.AuditQuery;
import dev.lanyard.server.audit.AuditStream;
import dev.lanyard.server.http.ApiRouter;
import dev.lanyard.server.store.Database;
import dev.lanyard.server.store.ReadCache;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The token machinery wired together: client authentication, the grants, introspection, revocation and the
 * revocation feed. Parts reach the pool through a supplier: routes are mounted before the database is up.
 */
public final class OAuthEndpoints {
    private final Vertx vertx;
    private final Database db;
    private final String baseUrl;
    private final TokenSigner signer;
    private final AdminTokenStore adminTokens;
    private final AuditLog audit;
    private final Clock clock = Clock.systemUTC();
    private final TokenPolicy policy;
    private final GrantFacts facts;
    /** Resource authorization servers by id, for the token endpoint's first check (see {@link TokenEndpoint}). */
    private final ReadCache<GrantFacts.Server> serverCache = new ReadCache<>("aus_");
    private final ClientAssertionVerifier clients;
    private final Grant exchange;
    private final List<Grant> serverGrants;
    private final IntrospectionAndRevocation introspection;

    public OAuthEndpoints(Vertx vertx, Database db, String baseUrl, TokenSigner signer, AdminTokenStore adminTokens,
                          AuditLog audit, TokenPolicy policy) {
        this.vertx = vertx;
        this.db = db;
        this.baseUrl = baseUrl;
        this.signer = signer;
        this.adminTokens = adminTokens;
        this.audit = audit;
        this.policy = policy;
        // at the token endpoint every claim is followed by a synchronous commit before the answer (the issuance, or
        // the audited refusal), which makes the claim durable without a log flush of its own; introspection and
        // revocation may answer without writing, so their claims commit synchronously
        ReplayGuard replay = new ReplayGuard(db::asyncCommitPool);
        this.facts = new GrantFacts(db::genericPlanPool);
        vertx.eventBus().consumer(AuditNotifications.ADDRESS, m -> serverCache.onAuditNotification(m.body()));
        // the grants' facts check the agent and its key live, so the token endpoint may keep keys between requests;
        // introspection and revocation have no such read, so they read the keys every time
        ReadCache<List<ClientAssertionVerifier.Candidate>> agentKeys = new ReadCache<>("agt_");
        vertx.eventBus().consumer(AuditNotifications.ADDRESS, m -> agentKeys.onAuditNotification(m.body()));
        this.clients = new ClientAssertionVerifier(vertx, db::pool, replay, clock, agentKeys);
        ClientAssertionVerifier durableClients = new ClientAssertionVerifier(vertx, db::pool,
                new ReplayGuard(db::pool), clock, null);
        TokenIssuance issuance = new TokenIssuance(vertx, db, signer, new TokenRegistry(), audit);
        TrustedIssuers issuers = new TrustedIssuers(baseUrl, signer, db::pool,
                WebClient.create(vertx, new WebClientOptions().setFollowRedirects(false)));
        this.exchange = new TokenExchangeGrant(baseUrl, facts, signer, policy, issuance, clock);
        this.serverGrants = List.of(new JwtBearerGrant(db::pool, issuers, replay, facts, policy, issuance, clock),
                new ClientCredentialsGrant(facts, policy, issuance, clock));
        this.introspection = new IntrospectionAndRevocation(baseUrl, db::pool, durableClients, new TokenStatus(db::pool), signer,
                adminTokens, audit);
        // expired single-use ids are dead weight once their JWT can no longer be presented
        vertx.setPeriodic(60_000, id -> {
            if (db.attached()) {
                replay.purgeExpired();
            }
        });
    }

    /**
     * Registers the endpoints on one verticle's router (called once per event loop; the parts are shared).
     *
     * @param extraOrgGrants grants of the org token endpoint implemented elsewhere (authorization_code)
     */
    public void mount(Router router, Handler<RoutingContext> readinessGate, List<Grant> extraOrgGrants,
                      boolean orgTokenEndpoint) {
        List<Grant> org = new ArrayList<>(extraOrgGrants);
        org.add(exchange);
        new TokenEndpoint(baseUrl, db::pool, clients, facts, serverCache, audit, org, serverGrants).mount(router, readinessGate, orgTokenEndpoint);
        introspection.mount(router, readinessGate);
    }

    /** {@code GET /api/v1/revocations/stream}: the kill-switch feed (Server-Sent Events, resumable). */
    public void mountApi(ApiRouter api) {
        api.get("/revocations/stream").handler(ctx -> AuditStream.follow(vertx, db.pool(), ctx,
                new AuditQuery(KillSwitchEvents.TYPES, null, null, null, null, 0, 0), "revocation", KillSwitchEvents::view));
    }
}
