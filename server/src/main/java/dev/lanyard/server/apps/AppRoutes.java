package dev.lanyard.server.apps;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lanyard.server.audit.AuditLog;
import dev.lanyard.server.audit.AuditRecord;
import dev.lanyard.server.http.QueryParams;
import dev.lanyard.server.http.MergePatch;
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
 * {@code /api/v1/apps}: OIDC sign-on apps. A {@code client_secret_basic} app's secret is generated here and shown in
 * the answer that created (or rotated) it, and nowhere else; only its hash is stored.
 */
public final class AppRoutes {
    private final Database db;
    private final AppStore apps;
    private final AuditLog audit;

    public AppRoutes(Database db, AppStore apps, AuditLog audit) {
        this.db = db;
        this.apps = apps;
        this.audit = audit;
    }

    public void mount(ApiRouter api) {
        api.post("/apps").handler(this::create);
        api.get("/apps").handler(this::list);
        api.get("/apps/:id").handler(this::get);
        api.patch("/apps/:id").handler(this::update);
        api.delete("/apps/:id").handler(this::delete);
        api.post("/apps/:id/lifecycle/activate").handler(ctx -> transition(ctx, AppStatus.INACTIVE, AppStatus.ACTIVE,
                "activate", "app.activated"));
        api.post("/apps/:id/lifecycle/deactivate").handler(ctx -> transition(ctx, AppStatus.ACTIVE, AppStatus.INACTIVE,
                "deactivate", "app.deactivated"));
        api.post("/apps/:id/credentials/secret").handler(this::rotateSecret);
    }

    private void create(RoutingContext ctx) {
        AppRequests.Create req = Json.read(ctx.body().buffer(), AppRequests.Create.class);
        String secret = req.tokenEndpointAuthMethod() == AuthMethod.CLIENT_SECRET_BASIC ? AppSecret.generate() : null;
        Caller caller = Caller.of(ctx);
        Future<App> created = db.inTransaction(tx -> apps.insert(tx, req, secret == null ? null : AppSecret.hash(secret),
                        caller.actor())
                .compose(a -> audit.append(tx, AuditRecord.success(caller, "app.created", a.id(), summary(a))).map(a)));
        Responses.reply(ctx, created.compose(a -> withSecret(ctx, 201, a, secret)));
    }

    private void get(RoutingContext ctx) {
        String id = appId(ctx);
        Responses.reply(ctx, apps.require(db.pool(), id).compose(a -> Responses.versioned(ctx, 200, a)));
    }

    private void list(RoutingContext ctx) {
        Cursor cursor = Cursor.from(ctx, "status");
        AppStatus status = QueryParams.enumeration(ctx, "status", AppStatus.class);
        Responses.reply(ctx, apps.list(db.pool(), cursor, status).compose(page -> {
            cursor.link(ctx, page, App::seq);
            return Responses.ok(ctx, page);
        }));
    }

    private void update(RoutingContext ctx) {
        String id = appId(ctx);
        AppRequests.Patch patch = AppRequests.Patch.from(MergePatch.read(ctx));
        int expected = Preconditions.expectedVersion(ctx, patch.version());
        Caller caller = Caller.of(ctx);
        Future<App> updated = db.inTransaction(tx -> apps.lock(tx, id)
                .compose(current -> apps.update(tx, current, expected, patch))
                .compose(a -> audit.append(tx, AuditRecord.success(caller, "app.updated", id, changed(patch))).map(a)));
        Responses.reply(ctx, updated.compose(a -> Responses.versioned(ctx, 200, a)));
    }

    private void transition(RoutingContext ctx, AppStatus from, AppStatus to, String action, String event) {
        String id = appId(ctx);
        Caller caller = Caller.of(ctx);
        Future<App> moved = db.inTransaction(tx -> apps.lock(tx, id)
                .compose(a -> {
                    if (a.status() != from) {
                        throw new ApiException(ErrorCode.LIFECYCLE, "Cannot " + action + " app " + id + ": it is "
                                + a.status() + " (only " + from + " apps can be " + action + "d)");
                    }
                    return apps.setStatus(tx, id, to);
                })
                .compose(a -> audit.append(tx, AuditRecord.success(caller, event, id,
                        AuditRecord.fields().put("from", from.name()))).map(a)));
        Responses.reply(ctx, moved.compose(a -> Responses.versioned(ctx, 200, a)));
    }

    private void rotateSecret(RoutingContext ctx) {
        String id = appId(ctx);
        if (ctx.body().length() > 0) {
            throw ApiException.invalid("This request takes no body");
        }
        String secret = AppSecret.generate();
        Caller caller = Caller.of(ctx);
        Future<App> rotated = db.inTransaction(tx -> apps.lock(tx, id)
                .compose(a -> {
                    if (a.tokenEndpointAuthMethod() != AuthMethod.CLIENT_SECRET_BASIC) {
                        throw new ApiException(ErrorCode.CONFLICT, "app " + id + " authenticates with '"
                                + a.tokenEndpointAuthMethod().wire() + "'; only client_secret_basic apps have a secret");
                    }
                    return apps.setSecretHash(tx, id, AppSecret.hash(secret));
                })
                .compose(a -> audit.append(tx, AuditRecord.success(caller, "app.secret_rotated", id,
                        AuditRecord.fields())).map(a)));
        Responses.reply(ctx, rotated.compose(a -> withSecret(ctx, 200, a, secret)));
    }

    private void delete(RoutingContext ctx) {
        String id = appId(ctx);
        Caller caller = Caller.of(ctx);
        Future<Void> deleted = db.inTransaction(tx -> apps.lock(tx, id)
                .compose(a -> {
                    if (a.status() != AppStatus.INACTIVE) {
                        throw new ApiException(ErrorCode.LIFECYCLE, "Cannot delete app " + id + ": it is " + a.status()
                                + " (only INACTIVE apps can be deleted; deactivate it first)");
                    }
                    if (!a.linkedAgents().isEmpty()) {
                        throw new ApiException(ErrorCode.CONFLICT, "Cannot delete app " + id + ": AI agents "
                                + a.linkedAgents() + " link to it; unlink them first (linked_app_id)");
                    }
                    return apps.delete(tx, id).compose(v -> audit.append(tx,
                            AuditRecord.success(caller, "app.deleted", id, summary(a))));
                }).<Void>mapEmpty());
        Responses.reply(ctx, deleted.compose(v -> Responses.noContent(ctx)));
    }

    /** The app as JSON, plus its new client secret when there is one: the only place the secret ever appears. */
    private static Future<Void> withSecret(RoutingContext ctx, int status, App app, String secret) {
        if (secret == null) {
            return Responses.versioned(ctx, status, app);
        }
        ObjectNode body = Json.MAPPER.valueToTree(app);
        body.put("client_secret", secret);
        ctx.response().putHeader("ETag", Preconditions.etag(app.version()));
        return Responses.json(ctx, status, body);
    }

    private static String appId(RoutingContext ctx) {
        return Ids.require("app", ctx.pathParam("id"), "app");
    }

    private static ObjectNode summary(App a) {
        ObjectNode d = AuditRecord.fields().put("name", a.name()).put("client_type", a.clientType().wire())
                .put("token_endpoint_auth_method", a.tokenEndpointAuthMethod().wire());
        var uris = d.putArray("redirect_uris");
        a.redirectUris().forEach(uris::add);
        return d;
    }

    private static ObjectNode changed(AppRequests.Patch p) {
        ObjectNode d = AuditRecord.fields();
        var f = d.putArray("changed");
        p.name().ifPresent(v -> f.add("name"));
        p.redirectUris().ifPresent(v -> f.add("redirect_uris"));
        p.jwks().ifPresent(v -> f.add("jwks"));
        return d;
    }
}
