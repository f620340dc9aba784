package dev.lanyard.server.authservers;

import dev.lanyard.server.http.MergePatch;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lanyard.server.audit.AuditLog;
import dev.lanyard.server.audit.AuditRecord;
import dev.lanyard.server.http.ApiRouter;
import dev.lanyard.server.http.Caller;
import dev.lanyard.server.http.Ids;
import dev.lanyard.server.http.Json;
import dev.lanyard.server.http.Preconditions;
import dev.lanyard.server.http.Responses;
import dev.lanyard.server.store.Database;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code /api/v1/authorization-servers/{id}/resources}: the RFC 8707 resources a server governs. A resource URI
 * belongs to one server only; resources and scopes that connections rely on can't be taken away under them.
 */
public final class ResourceRoutes {
    private static final String BASE = AuthServerRoutes.BASE + "/:id/resources";
    private final Database db;
    private final AuthServerStore servers;
    private final ResourceStore resources;
    private final AuditLog audit;

    public ResourceRoutes(Database db, AuthServerStore servers, ResourceStore resources, AuditLog audit) {
        this.db = db;
        this.servers = servers;
        this.resources = resources;
        this.audit = audit;
    }

    public void mount(ApiRouter api) {
        api.post(BASE).handler(this::create);
        api.get(BASE).handler(ctx -> {
            String id = AuthServerRoutes.serverId(ctx);
            Responses.reply(ctx, servers.require(db.pool(), id).compose(s -> Responses.ok(ctx, s.resources())));
        });
        api.get(BASE + "/:resId").handler(ctx -> {
            String id = AuthServerRoutes.serverId(ctx);
            String resId = resourceId(ctx);
            Responses.reply(ctx, resources.require(db.pool(), id, resId).compose(r -> Responses.versioned(ctx, 200, r)));
        });
        api.patch(BASE + "/:resId").handler(this::update);
        api.delete(BASE + "/:resId").handler(this::delete);
    }

    private void create(RoutingContext ctx) {
        String id = AuthServerRoutes.serverId(ctx);
        AuthServerRequests.ResourceCreate req = Json.read(ctx.body().buffer(), AuthServerRequests.ResourceCreate.class);
        Caller caller = Caller.of(ctx);
        Future<Resource> created = db.inTransaction(tx -> servers.lock(tx, id, true)
                .compose(s -> resources.insert(tx, id, req))
                .compose(r -> audit.append(tx, AuditRecord.success(caller, "authorization_server.resource.created",
                        r.id(), summary(r))).map(r)));
        Responses.reply(ctx, created.compose(r -> Responses.versioned(ctx, 201, r)));
    }

    private void update(RoutingContext ctx) {
        String id = AuthServerRoutes.serverId(ctx);
        String resId = resourceId(ctx);
        AuthServerRequests.ResourcePatch patch = AuthServerRequests.ResourcePatch.from(MergePatch.read(ctx));
        int expected = Preconditions.expectedVersion(ctx, patch.version());
        Caller caller = Caller.of(ctx);
        Future<Resource> updated = db.inTransaction(tx -> servers.lock(tx, id, true)
                .compose(s -> resources.require(tx, id, resId))
                .compose(current -> resources.update(tx, current, expected, patch))
                .compose(r -> {
                    ObjectNode d = AuditRecord.fields().put("authorization_server_id", id);
                    var f = d.putArray("changed");
                    patch.name().ifPresent(v -> f.add("name"));
                    patch.scopes().ifPresent(v -> f.add("scopes"));
                    patch.tags().ifPresent(v -> f.add("tags"));
                    return audit.append(tx, AuditRecord.success(caller, "authorization_server.resource.updated", resId, d))
                            .map(r);
                }));
        Responses.reply(ctx, updated.compose(r -> Responses.versioned(ctx, 200, r)));
    }

    private void delete(RoutingContext ctx) {
        String id = AuthServerRoutes.serverId(ctx);
        String resId = resourceId(ctx);
        Caller caller = Caller.of(ctx);
        Future<Void> deleted = db.inTransaction(tx -> servers.lock(tx, id, true)
                .compose(s -> resources.require(tx, id, resId))
                .compose(r -> resources.delete(tx, r).compose(v -> audit.append(tx, AuditRecord.success(caller,
                        "authorization_server.resource.deleted", resId, summary(r)))))
                .<Void>mapEmpty());
        Responses.reply(ctx, deleted.compose(v -> Responses.noContent(ctx)));
    }

    private static String resourceId(RoutingContext ctx) {
        return Ids.require("res", ctx.pathParam("resId"), "resource");
    }

    private static ObjectNode summary(Resource r) {
        ObjectNode d = AuditRecord.fields().put("authorization_server_id", r.serverId()).put("uri", r.uri())
                .put("name", r.name());
        var scopes = d.putArray("scopes");
        r.scopes().forEach(scopes::add);
        var tags = d.putArray("tags");
        r.tags().forEach(tags::add);
        return d;
    }
}
