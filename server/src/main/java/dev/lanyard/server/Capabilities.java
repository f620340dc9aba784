package dev.lanyard.server;

import dev.lanyard.server.admin.AdminAuthHandler;
import dev.lanyard.server.admin.AdminTokenRoutes;
import dev.lanyard.server.admin.AdminTokenStore;
import dev.lanyard.server.agents.Agent;
import dev.lanyard.server.agents.AgentKeyRoutes;
import dev.lanyard.server.agents.AgentKeyStore;
import dev.lanyard.server.agents.AgentRoutes;
import dev.lanyard.server.agents.AgentStore;
import dev.lanyard.server.approvals.ApprovalGate;
import dev.lanyard.server.approvals.ApprovalRoutes;
import dev.lanyard.server.approvals.ApprovalStore;
import dev.lanyard.server.approvals.ApprovalsAuthHandler;
import dev.lanyard.server.apps.AppRoutes;
import dev.lanyard.server.apps.AppStore;
import dev.lanyard.server.audit.AuditLog;
import dev.lanyard.server.audit.AuditNotifications;
import dev.lanyard.server.audit.AuditRoutes;
import dev.lanyard.server.authservers.AuthServerRoutes;
import dev.lanyard.server.authservers.AuthServerStore;
import dev.lanyard.server.authservers.ResourceRoutes;
import dev.lanyard.server.authservers.ResourceStore;
import dev.lanyard.server.authservers.TrustedIssuerRoutes;
import dev.lanyard.server.authservers.TrustedIssuerStore;
import dev.lanyard.server.config.ServerConfig;
import dev.lanyard.server.connections.ConnectionRoutes;
import dev.lanyard.server.connections.ConnectionStore;
import dev.lanyard.server.directory.GroupRoutes;
import dev.lanyard.server.directory.GroupStore;
import dev.lanyard.server.directory.UserRoutes;
import dev.lanyard.server.directory.UserStore;
import dev.lanyard.server.http.ApiRouter;
import dev.lanyard.server.keys.SigningKeyRoutes;
import dev.lanyard.server.keys.SigningKeys;
import dev.lanyard.server.mcp.ToolCallRoutes;
import dev.lanyard.server.oauth.ConnectionScopePolicy;
import dev.lanyard.server.oauth.OAuthEndpoints;
import dev.lanyard.server.oauth.TokenPolicy;
import dev.lanyard.server.oauth.TokenStatus;
import dev.lanyard.server.oidc.OidcRoutes;
import dev.lanyard.server.policy.DataApi;
import dev.lanyard.server.policy.DecisionLog;
import dev.lanyard.server.policy.JavaTokenPolicy;
import dev.lanyard.server.policy.PdpAuthentication;
import dev.lanyard.server.policy.PolicyDecisionPoint;
import dev.lanyard.server.policy.PolicyLoader;
import dev.lanyard.server.policy.PolicyRoutes;
import dev.lanyard.server.policy.PolicyWatcher;
import dev.lanyard.server.policy.RegoTokenPolicy;
import dev.lanyard.server.store.Database;
import dev.lanyard.server.store.ReadCache;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** The server's capabilities wired together once, shared by every HTTP verticle. */
final class Capabilities {
    private final Database db;
    private final AuditLog audit = new AuditLog();
    private final AdminTokenStore adminTokens = new AdminTokenStore();
    private final AdminAuthHandler adminAuth;
    private final ReadCache<Agent> agentCache = new ReadCache<>("agt_");
    private final Vertx vertx;
    private final String baseUrl;

    Capabilities(Vertx vertx, Database db, String baseUrl) {
        this.vertx = vertx;
        this.db = db;
        this.baseUrl = baseUrl;
        this.adminAuth = new AdminAuthHandler(db::pool, adminTokens, audit);
        vertx.eventBus().consumer(AuditNotifications.ADDRESS, m -> agentCache.onAuditNotification(m.body()));
    }

    private SigningKeys signingKeys;
    private OidcRoutes oidc;

    private DecisionLog decisionLog;
    private PolicyDecisionPoint pdp;
    private TokenPolicy tokenPolicy;
    private PolicyWatcher policyWatcher;

    /** Signing keys, the org server's sign-in and the policy decision point; called once, before any verticle. */
    void authorizationServers(ServerConfig config) {
        this.signingKeys = new SigningKeys(vertx, db, audit, config);
        this.oidc = new OidcRoutes(vertx, db, audit, signingKeys, config);
        this.decisionLog = new DecisionLog(vertx, db, audit, config.policy().decisionLogBacklog());
        this.pdp = new PolicyDecisionPoint(vertx, db, audit, new PolicyLoader(config.policy().dir()));
        int maxTtl = (int) SigningKeys.MAX_TOKEN_LIFETIME.toSeconds();
        TokenPolicy decisions = "java".equals(config.policy().tokenPolicy())
                ? new JavaTokenPolicy(new ConnectionScopePolicy(maxTtl), decisionLog)
                : new RegoTokenPolicy(pdp, decisionLog);
        this.tokenPolicy = new ApprovalGate(db, new ApprovalStore(), audit, decisions);
    }

    /** Gauges of this server's own queues, next to Vert.x's metrics on {@code /metrics}. */
    void bindMetrics(MeterRegistry registry) {
        if (registry != null) {
            decisionLog.bindMetrics(registry);
        }
    }

    /** Compiles and tests the policy set, then watches its directory (if it has one) for changes. */
    Future<Void> startPolicies(ServerConfig config) {
        return pdp.start().compose(rev -> {
            if (config.policy().dir().isEmpty()) {
                return Future.succeededFuture();
            }
            try {
                policyWatcher = new PolicyWatcher(config.policy().dir().get(), () -> vertx.runOnContext(v -> pdp.reload()));
                return Future.succeededFuture();
            } catch (java.io.IOException e) {
                return Future.failedFuture(e);
            }
        });
    }

    Future<Void> stopPolicies() {
        if (policyWatcher != null) {
            policyWatcher.close();
        }
        return decisionLog.close().compose(v -> pdp.close());
    }

    /** OPA's Data API at {@code /v1/data}. */
    void mountPdp(Router router, Handler<RoutingContext> readinessGate) {
        new DataApi(pdp, new PdpAuthentication(baseUrl, adminAuth, signingKeys, new TokenStatus(db::pool)), decisionLog,
                audit, db).mount(router, readinessGate);
    }

    /** The signer of every authorization server (org and resource servers). */
    SigningKeys signingKeys() {
        return signingKeys;
    }

    OidcRoutes oidc() {
        return oidc;
    }

    /** Public OAuth/OIDC endpoints: discovery, JWKS, sign-in, userinfo. */
    void mountOidc(Router router, Handler<RoutingContext> readinessGate) {
        oidc.mount(router, readinessGate);
    }

    AdminAuthHandler adminAuth() {
        return adminAuth;
    }

    AuditLog audit() {
        return audit;
    }

    AdminTokenStore adminTokens() {
        return adminTokens;
    }

    private OAuthEndpoints oauth;

    /** The token machinery: grants at every authorization server, introspection, revocation, the kill-switch feed. */
    void mountOAuth(Router router, Handler<RoutingContext> readinessGate) {
        oauth().mount(router, readinessGate, java.util.List.of(oidc.tokenGrant()), true);
    }

    private synchronized OAuthEndpoints oauth() {
        if (oauth == null) {
            oauth = new OAuthEndpoints(vertx, db, baseUrl, signingKeys, adminTokens, audit, tokenPolicy);
        }
        return oauth;
    }

    void mountApi(ApiRouter api) {
        oauth().mountApi(api);
        new AdminTokenRoutes(db, adminTokens, audit, adminAuth).mount(api);
        new SigningKeyRoutes(signingKeys).mount(api);
        new AuditRoutes(vertx, db).mount(api);
        UserStore users = new UserStore();
        new UserRoutes(vertx, db, users, audit).mount(api);
        new GroupRoutes(db, new GroupStore(), users, audit).mount(api);
        AgentStore agents = new AgentStore();
        new AgentRoutes(db, agents, audit, agentCache).mount(api);
        new AgentKeyRoutes(db, agents, new AgentKeyStore(), audit).mount(api);
        new AppRoutes(db, new AppStore(), audit).mount(api);
        ResourceStore resources = new ResourceStore();
        TrustedIssuerStore trustedIssuers = new TrustedIssuerStore();
        AuthServerStore authServers = new AuthServerStore(baseUrl, resources, trustedIssuers);
        new AuthServerRoutes(db, authServers, audit).mount(api);
        new ResourceRoutes(db, authServers, resources, audit).mount(api);
        new TrustedIssuerRoutes(db, baseUrl, authServers, trustedIssuers, audit).mount(api);
        new ConnectionRoutes(db, new ConnectionStore(authServers, resources), audit).mount(api);
        new PolicyRoutes(pdp).mount(api);
        new ApprovalRoutes(db, new ApprovalStore(), audit).mount(api.authenticatedBy(
                new ApprovalsAuthHandler(baseUrl, adminAuth, signingKeys, new TokenStatus(db::pool))));
        new ToolCallRoutes(db, audit).mount(api);
    }
}
