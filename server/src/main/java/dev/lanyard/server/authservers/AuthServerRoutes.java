package dev.lanyard.server.authservers;

import dev.lanyard.server.http.QueryParams;
import dev.lanyard.server.http.MergePatch;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lanyard.server.audit.AuditLog;
import dev.lanyard.server.audit.AuditRecord;
import dev.lanyard.server.http.ApiException;
import dev.lanyard.server.http.ApiRouter;
import dev.lanyard.server.http.Caller;
import dev.lanyard.server.http.Cursor;
import dev.lanyard.server.http.ErrorCode;
import dev.lanyard.server.http.Ids;
import dev.lanyard.server.http.Json;
import dev.lanyard.server.http.Preconditions;
import dev.lanyard.server.http.Responses;
import dev.lanyard.server.store.Database;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code /api/v1/authorization-servers}: resource authorization servers — create, read (with their resources and
 * trusted issuers), list, update, activate, deactivate, delete (only INACTIVE, and only once no connection uses it).
 */
public final class AuthServerRoutes {
    static final String BASE = "/authorization-servers";
    private final Database db;
    private final AuthServerStore servers;
    private final AuditLog audit;

    public AuthServerRoutes(Database db, AuthServerStore servers, AuditLog audit) {
        this.db = db;
        this.servers = servers;
        this.audit = audit;
    }

    public void mount(ApiRouter api) {
        api.post(BASE).handler(this::create);
        api.get(BASE).handler(this::list);
        api.get(BASE + "/:id").handler(this::get);
        api.patch(BASE + "/:id").handler(this::update);
        api.delete(BASE + "/:id").handler(this::delete);
        api.post(BASE + "/:id/lifecycle/activate").handler(ctx -> transition(ctx, ServerStatus.INACTIVE,
                ServerStatus.ACTIVE, "activate", "authorization_server.activated"));
        api.post(BASE + "/:id/lifecycle/deactivate").handler(ctx -> transition(ctx, ServerStatus.ACTIVE,
                ServerStatus.INACTIVE, "deactivate", "authorization_server.deactivated"));
    }

    private void create(RoutingContext ctx) {
        AuthServerRequests.Create req = Json.read(ctx.body().buffer(), AuthServerRequests.Create.class);
        Caller caller = Caller.of(ctx);
        Future<AuthServer> created = db.inTransaction(tx -> servers.insert(tx, req, caller.actor())
                .compose(s -> audit.append(tx, AuditRecord.success(caller, "authorization_server.created", s.id(),
                        summary(s))).map(s)));
        Responses.reply(ctx, created.compose(s -> Responses.versioned(ctx, 201, s)));
    }

    private void get(RoutingContext ctx) {
        String id = serverId(ctx);
        Responses.reply(ctx, servers.require(db.pool(), id).compose(s -> Responses.versioned(ctx, 200, s)));
    }

    private void list(RoutingContext ctx) {
        Cursor cursor = Cursor.from(ctx, "status");
        ServerStatus status = QueryParams.enumeration(ctx, "status", ServerStatus.class);
        Responses.reply(ctx, servers.list(db.pool(), cursor, status).compose(page -> {
            cursor.link(ctx, page, AuthServer::seq);
            return Responses.ok(ctx, page);
        }));
    }

    private void update(RoutingContext ctx) {
        String id = serverId(ctx);
        AuthServerRequests.Patch patch = AuthServerRequests.Patch.from(MergePatch.read(ctx));
        int expected = Preconditions.expectedVersion(ctx, patch.version());
        Caller caller = Caller.of(ctx);
        Future<AuthServer> updated = db.inTransaction(tx -> servers.lock(tx, id, true)
                .compose(current -> servers.update(tx, current, expected, patch))
                .compose(s -> {
                    ObjectNode d = AuditRecord.fields();
                    var f = d.putArray("changed");
                    patch.name().ifPresent(v -> f.add("name"));
                    patch.description().ifPresent(v -> f.add("description"));
                    patch.accessTokenTtlSeconds().ifPresent(v -> f.add("access_token_ttl_seconds"));
                    return audit.append(tx, AuditRecord.success(caller, "authorization_server.updated", id, d)).map(s);
                }));
        Responses.reply(ctx, updated.compose(s -> Responses.versioned(ctx, 200, s)));
    }

    private void transition(RoutingContext ctx, ServerStatus from, ServerStatus to, String action, String event) {
        String id = serverId(ctx);
        Caller caller = Caller.of(ctx);
        Future<AuthServer> moved = db.inTransaction(tx -> servers.lock(tx, id, true)
                .compose(s -> {
                    if (s.status() != from) {
                        throw new ApiException(ErrorCode.LIFECYCLE, "Cannot " + action + " authorization server " + id
                                + ": it is " + s.status() + " (only " + from + " servers can be " + action + "d)");
                    }
                    return servers.setStatus(tx, id, to);
                })
                .compose(s -> audit.append(tx, AuditRecord.success(caller, event, id,
                        AuditRecord.fields().put("from", from.name()))).map(s)));
        Responses.reply(ctx, moved.compose(s -> Responses.versioned(ctx, 200, s)));
    }

    private void delete(RoutingContext ctx) {
        String id = serverId(ctx);
        Caller caller = Caller.of(ctx);
        Future<Void> deleted = db.inTransaction(tx -> servers.lock(tx, id, true)
                .compose(s -> {
                    if (s.status() != ServerStatus.INACTIVE) {
                        throw new ApiException(ErrorCode.LIFECYCLE, "Cannot delete authorization server " + id
                                + ": it is " + s.status() + " (only INACTIVE servers can be deleted; deactivate it first)");
                    }
                    return servers.connections(tx, id).compose(cons -> {
                        if (!cons.isEmpty()) {
                            throw new ApiException(ErrorCode.CONFLICT, "Cannot delete authorization server " + id
                                    + ": connections " + cons + " use it; delete them first");
                        }
                        return servers.delete(tx, id);
                    }).compose(v -> audit.append(tx, AuditRecord.success(caller, "authorization_server.deleted", id,
                            summary(s).put("resources", s.resources().size())
                                    .put("trusted_issuers", s.trustedIssuers().size()))));
                }).<Void>mapEmpty());
        Responses.reply(ctx, deleted.compose(v -> Responses.noContent(ctx)));
    }

    static String serverId(RoutingContext ctx) {
        return Ids.require("aus", ctx.pathParam("id"), "authorization server");
    }

    private static ObjectNode summary(AuthServer s) {
        return AuditRecord.fields().put("name", s.name()).put("issuer", s.issuer())
                .put("access_token_ttl_seconds", s.accessTokenTtlSeconds());
    }
}
