package dev.lanyard.server.authservers;

import dev.lanyard.server.audit.AuditLog;
import dev.lanyard.server.audit.AuditRecord;
import dev.lanyard.server.http.ApiException;
import dev.lanyard.server.http.ApiRouter;
import dev.lanyard.server.http.Caller;
import dev.lanyard.server.http.Ids;
import dev.lanyard.server.http.Json;
import dev.lanyard.server.http.Responses;
import dev.lanyard.server.store.Database;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code /api/v1/authorization-servers/{id}/trusted-issuers}: external IdPs whose ID-JAGs the server accepts. The org
 * authorization server (issuer = the base URL) is always trusted and is not listed here.
 */
public final class TrustedIssuerRoutes {
    private static final String BASE = AuthServerRoutes.BASE + "/:id/trusted-issuers";
    private final Database db;
    private final String baseUrl;
    private final AuthServerStore servers;
    private final TrustedIssuerStore issuers;
    private final AuditLog audit;

    public TrustedIssuerRoutes(Database db, String baseUrl, AuthServerStore servers, TrustedIssuerStore issuers, AuditLog audit) {
        this.db = db;
        this.baseUrl = baseUrl;
        this.servers = servers;
        this.issuers = issuers;
        this.audit = audit;
    }

    public void mount(ApiRouter api) {
        api.post(BASE).handler(this::create);
        api.get(BASE).handler(ctx -> {
            String id = AuthServerRoutes.serverId(ctx);
            Responses.reply(ctx, servers.require(db.pool(), id).compose(s -> Responses.ok(ctx, s.trustedIssuers())));
        });
        api.get(BASE + "/:tisId").handler(ctx -> {
            String id = AuthServerRoutes.serverId(ctx);
            String tisId = issuerId(ctx);
            Responses.reply(ctx, issuers.require(db.pool(), id, tisId).compose(t -> Responses.ok(ctx, t)));
        });
        api.delete(BASE + "/:tisId").handler(this::delete);
    }

    private void create(RoutingContext ctx) {
        String id = AuthServerRoutes.serverId(ctx);
        AuthServerRequests.TrustedIssuerCreate req = Json.read(ctx.body().buffer(), AuthServerRequests.TrustedIssuerCreate.class);
        if (req.issuer().equals(baseUrl) || req.issuer().startsWith(baseUrl + "/")) {
            throw ApiException.invalid("issuer " + req.issuer() + " is this Lanyard server's own; the org authorization "
                    + "server is always trusted, and resource authorization servers don't issue ID-JAGs");
        }
        Caller caller = Caller.of(ctx);
        Future<TrustedIssuer> created = db.inTransaction(tx -> servers.lock(tx, id, true)
                .compose(s -> issuers.insert(tx, id, req))
                .compose(t -> audit.append(tx, AuditRecord.success(caller, "authorization_server.trusted_issuer.created",
                        t.id(), AuditRecord.fields().put("authorization_server_id", id).put("issuer", t.issuer())
                                .put("jwks_uri", t.jwksUri()))).map(t)));
        Responses.reply(ctx, created.compose(t -> Responses.json(ctx, 201, t)));
    }

    private void delete(RoutingContext ctx) {
        String id = AuthServerRoutes.serverId(ctx);
        String tisId = issuerId(ctx);
        Caller caller = Caller.of(ctx);
        Future<Void> deleted = db.inTransaction(tx -> servers.lock(tx, id, true)
                .compose(s -> issuers.require(tx, id, tisId))
                .compose(t -> issuers.delete(tx, tisId).compose(v -> audit.append(tx, AuditRecord.success(caller,
                        "authorization_server.trusted_issuer.deleted", tisId, AuditRecord.fields()
                                .put("authorization_server_id", id).put("issuer", t.issuer())))))
                .<Void>mapEmpty());
        Responses.reply(ctx, deleted.compose(v -> Responses.noContent(ctx)));
    }

    private static String issuerId(RoutingContext ctx) {
        return Ids.require("tis", ctx.pathParam("tisId"), "trusted issuer");
    }
}
