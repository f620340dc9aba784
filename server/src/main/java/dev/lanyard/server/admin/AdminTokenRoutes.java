package dev.lanyard.server.admin;

import dev.lanyard.server.http.ApiRouter;
import dev.lanyard.server.audit.AuditLog;
import dev.lanyard.server.audit.AuditRecord;
import dev.lanyard.server.http.ApiException;
import dev.lanyard.server.http.Caller;
import dev.lanyard.server.http.ErrorCode;
import dev.lanyard.server.http.Ids;
import dev.lanyard.server.http.Json;
import dev.lanyard.server.http.Responses;
import dev.lanyard.server.store.Database;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;

/** {@code /api/v1/admin-tokens}: create (secret shown once), list, delete. The last admin token can't be deleted. */
public final class AdminTokenRoutes {
    private final Database db;
    private final AdminTokenStore store;
    private final AuditLog audit;
    private final AdminAuthHandler auth;

    public AdminTokenRoutes(Database db, AdminTokenStore store, AuditLog audit, AdminAuthHandler auth) {
        this.db = db;
        this.store = store;
        this.audit = audit;
        this.auth = auth;
    }

    public void mount(ApiRouter api) {
        api.post("/admin-tokens").handler(this::create);
        api.get("/admin-tokens").handler(ctx -> Responses.reply(ctx, store.list(db.pool()).compose(l -> Responses.ok(ctx, l))));
        api.get("/admin-tokens/:id").handler(this::get);
        api.delete("/admin-tokens/:id").handler(this::delete);
    }

    private void create(RoutingContext ctx) {
        CreateAdminToken req = Json.read(ctx.body().buffer(), CreateAdminToken.class);
        Caller caller = Caller.of(ctx);
        String secret = AdminTokenSecret.generate();
        Future<AdminToken> created = db.inTransaction(tx -> store.insert(tx, req.name(), req.role(), req.expiresAt(), caller.actor(), secret)
                .compose(token -> audit.append(tx, AuditRecord.success(caller, "admin_token.created", token.id(),
                        AuditRecord.fields().put("name", token.name()).put("role", token.role().wire())))
                        .map(token)));
        Responses.reply(ctx, created.compose(token -> Responses.json(ctx, 201, token)));
    }

    private void get(RoutingContext ctx) {
        String id = Ids.require("atk", ctx.pathParam("id"), "admin token");
        Responses.reply(ctx, store.get(db.pool(), id).compose(t -> Responses.ok(ctx,
                t.orElseThrow(() -> ApiException.notFound("admin token " + id)))));
    }

    private void delete(RoutingContext ctx) {
        String id = Ids.require("atk", ctx.pathParam("id"), "admin token");
        Caller caller = Caller.of(ctx);
        Future<Void> deleted = db.inTransaction(tx -> store.get(tx, id).compose(found -> {
            AdminToken token = found.orElseThrow(() -> ApiException.notFound("admin token " + id));
            Future<Long> others = token.role() == Role.ADMIN ? store.countOtherUsableAdmins(tx, id) : Future.succeededFuture(1L);
            return others.compose(n -> {
                if (n == 0) {
                    throw new ApiException(ErrorCode.CONFLICT,
                            "This is the last usable admin token; create another admin token before deleting it");
                }
                return store.delete(tx, id);
            }).compose(v -> audit.append(tx, AuditRecord.success(caller, "admin_token.deleted", id,
                    AuditRecord.fields().put("name", token.name()).put("role", token.role().wire()))))
                    .<Void>mapEmpty();
        }));
        Responses.reply(ctx, deleted.compose(v -> {
            auth.evict(id);
            return Responses.noContent(ctx);
        }));
    }
}
