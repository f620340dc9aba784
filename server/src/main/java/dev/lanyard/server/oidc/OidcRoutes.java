package dev.lanyard.server.oidc;

import dev.lanyard.server.audit.AuditLog;
import dev.lanyard.server.config.ServerConfig;
import dev.lanyard.server.keys.SigningKeys;
import dev.lanyard.server.store.Database;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The public endpoints of the authorization servers that this package owns: discovery (RFC 8414 / OIDC), JWKS,
 * the org server's sign-in (authorize + login form), userinfo, and the authorization_code grant that the org token
 * endpoint ({@code dev.lanyard.server.oauth.TokenEndpoint}) runs. One instance is shared by every HTTP verticle.
 */
public final class OidcRoutes {
    private final Discovery discovery;
    private final AuthorizeRoutes authorize;
    private final UserInfoRoute userinfo;
    private final AuthorizationCodeGrant grant;
    private final Database db;
    private final OrgClients clients;

    public OidcRoutes(Vertx vertx, Database db, AuditLog audit, SigningKeys keys, ServerConfig config) {
        this.db = db;
        this.clients = new OrgClients(config.signIn().consoleRedirectUris());
        this.discovery = new Discovery(db, keys, config.baseUrl());
        this.authorize = new AuthorizeRoutes(vertx, db, audit, keys, config, new LoginThrottle(
                config.signIn().maxFailuresPerLogin(), config.signIn().maxFailuresPerIp()), clients);
        this.userinfo = new UserInfoRoute(db, keys, config.baseUrl());
        this.grant = new AuthorizationCodeGrant(vertx, db, audit, keys, config.baseUrl(), clients);
    }

    /** The authorization_code grant, for the general token endpoint to call. */
    public AuthorizationCodeGrant authorizationCodeGrant() {
        return grant;
    }

    /** Discovery, JWKS, sign-in and userinfo. */
    public void mount(Router router, Handler<RoutingContext> readinessGate) {
        discovery.mount(router, readinessGate);
        authorize.mount(router, readinessGate);
        userinfo.mount(router, readinessGate);
    }

    /** The authorization_code grant as the org token endpoint runs it. */
    public AuthorizationCodeTokenGrant tokenGrant() {
        return new AuthorizationCodeTokenGrant(db, grant, clients);
    }
}
