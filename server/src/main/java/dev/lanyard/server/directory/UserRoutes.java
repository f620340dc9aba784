package dev.lanyard.server.directory;

import dev.lanyard.server.http.QueryParams;
import dev.lanyard.server.http.ApiRouter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lanyard.server.audit.AuditLog;
import dev.lanyard.server.audit.AuditRecord;
import dev.lanyard.server.http.ApiException;
import dev.lanyard.server.http.Caller;
import dev.lanyard.server.http.Cursor;
import dev.lanyard.server.http.ErrorCode;
import dev.lanyard.server.http.Ids;
import dev.lanyard.server.http.Json;
import dev.lanyard.server.http.Preconditions;
import dev.lanyard.server.http.Responses;
import dev.lanyard.server.store.Database;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.util.EnumSet;
import java.util.Set;

/** {@code /api/v1/users}: human principals and their lifecycle. */
public final class UserRoutes {
    private final Vertx vertx;
    private final Database db;
    private final UserStore users;
    private final AuditLog audit;

    public UserRoutes(Vertx vertx, Database db, UserStore users, AuditLog audit) {
        this.vertx = vertx;
        this.db = db;
        this.users = users;
        this.audit = audit;
    }

    public void mount(ApiRouter api) {
        api.post("/users").handler(this::create);
        api.get("/users").handler(this::list);
        api.get("/users/:id").handler(this::get);
        api.patch("/users/:id").handler(this::update);
        api.delete("/users/:id").handler(this::delete);
        lifecycle(api, "suspend", EnumSet.of(UserStatus.ACTIVE), UserStatus.SUSPENDED, "user.suspended");
        lifecycle(api, "unsuspend", EnumSet.of(UserStatus.SUSPENDED), UserStatus.ACTIVE, "user.unsuspended");
        lifecycle(api, "deprovision", EnumSet.of(UserStatus.ACTIVE, UserStatus.SUSPENDED), UserStatus.DEPROVISIONED,
                "user.deprovisioned");
        lifecycle(api, "reactivate", EnumSet.of(UserStatus.DEPROVISIONED), UserStatus.ACTIVE, "user.reactivated");
    }

    private void create(RoutingContext ctx) {
        UserRequests.Create req = Json.read(ctx.body().buffer(), UserRequests.Create.class);
        Caller caller = Caller.of(ctx);
        Future<User> created = hash(req.password()).compose(hash -> db.inTransaction(tx ->
                users.insert(tx, req, hash, caller.actor()).compose(user -> audit.append(tx,
                        AuditRecord.success(caller, "user.created", user.id(), AuditRecord.fields()
                                .put("login", user.login()).put("password_set", hash != null))).map(user))));
        Responses.reply(ctx, created.compose(u -> Responses.versioned(ctx, 201, u)));
    }

    private void list(RoutingContext ctx) {
        Cursor cursor = Cursor.from(ctx, "status", "q");
        UserStatus status = QueryParams.enumeration(ctx, "status", UserStatus.class);
        String q = QueryParams.single(ctx, "q");
        Responses.reply(ctx, users.list(db.pool(), cursor, status, q).compose(page -> {
            cursor.link(ctx, page, User::seq);
            return Responses.ok(ctx, page);
        }));
    }

    private void get(RoutingContext ctx) {
        String id = Ids.require("usr", ctx.pathParam("id"), "user");
        Responses.reply(ctx, users.require(db.pool(), id).compose(u -> Responses.versioned(ctx, 200, u)));
    }

    private void update(RoutingContext ctx) {
        String id = Ids.require("usr", ctx.pathParam("id"), "user");
        UserRequests.Update req = Json.read(ctx.body().buffer(), UserRequests.Update.class);
        int expected = Preconditions.expectedVersion(ctx, req.version());
        Caller caller = Caller.of(ctx);
        Future<User> updated = hash(req.password()).compose(hash -> db.inTransaction(tx ->
                users.update(tx, id, expected, req, hash).compose(user -> {
                    ObjectNode changed = AuditRecord.fields();
                    var fields = changed.putArray("changed");
                    if (req.email() != null) fields.add("email");
                    if (req.displayName() != null) fields.add("display_name");
                    if (req.password() != null) fields.add("password");
                    return audit.append(tx, AuditRecord.success(caller, "user.updated", id, changed)).map(user);
                })));
        Responses.reply(ctx, updated.compose(u -> Responses.versioned(ctx, 200, u)));
    }

    private void lifecycle(ApiRouter api, String action, Set<UserStatus> from, UserStatus to, String event) {
        api.post("/users/:id/lifecycle/" + action).handler(ctx -> {
            String id = Ids.require("usr", ctx.pathParam("id"), "user");
            Caller caller = Caller.of(ctx);
            Future<User> moved = db.inTransaction(tx -> users.transition(tx, id, from, to, action)
                    .compose(user -> audit.append(tx, AuditRecord.success(caller, event, id,
                            AuditRecord.fields().put("status", to.name()))).map(user)));
            Responses.reply(ctx, moved.compose(u -> Responses.versioned(ctx, 200, u)));
        });
    }

    private void delete(RoutingContext ctx) {
        String id = Ids.require("usr", ctx.pathParam("id"), "user");
        Caller caller = Caller.of(ctx);
        Future<Void> deleted = db.inTransaction(tx -> tx.preparedQuery("SELECT 1 FROM users WHERE id = $1 FOR UPDATE")
                .execute(io.vertx.sqlclient.Tuple.of(id))
                .compose(v -> users.require(tx, id))
                .compose(user -> {
                    if (user.status() != UserStatus.DEPROVISIONED) {
                        throw new ApiException(ErrorCode.LIFECYCLE, "Cannot delete user " + id + ": it is "
                                + user.status() + "; deprovision it first");
                    }
                    return users.ownedAgents(tx, id).compose(agents -> {
                        if (!agents.isEmpty()) {
                            throw new ApiException(ErrorCode.CONFLICT, "Cannot delete user " + id
                                    + ": it owns AI agents " + agents + "; assign other owners first");
                        }
                        return users.delete(tx, id);
                    }).compose(v -> audit.append(tx, AuditRecord.success(caller, "user.deleted", id,
                            AuditRecord.fields().put("login", user.login()))));
                }).<Void>mapEmpty());
        Responses.reply(ctx, deleted.compose(v -> Responses.noContent(ctx)));
    }

    private Future<String> hash(String password) {
        return password == null ? Future.succeededFuture(null)
                : vertx.executeBlocking(() -> PasswordHasher.hash(password), false);
    }
}
