package dev.lanyard.server.directory;

import dev.lanyard.server.http.QueryParams;
import dev.lanyard.server.http.ApiRouter;
import dev.lanyard.server.audit.AuditLog;
import dev.lanyard.server.audit.AuditRecord;
import dev.lanyard.server.http.Caller;
import dev.lanyard.server.http.Cursor;
import dev.lanyard.server.http.Ids;
import dev.lanyard.server.http.Json;
import dev.lanyard.server.http.Preconditions;
import dev.lanyard.server.http.Responses;
import dev.lanyard.server.store.Database;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;

/** {@code /api/v1/groups} and their members ({@code /api/v1/groups/{id}/users/{userId}}). */
public final class GroupRoutes {
    private final Database db;
    private final GroupStore groups;
    private final UserStore users;
    private final AuditLog audit;

    public GroupRoutes(Database db, GroupStore groups, UserStore users, AuditLog audit) {
        this.db = db;
        this.groups = groups;
        this.users = users;
        this.audit = audit;
    }

    public void mount(ApiRouter api) {
        api.post("/groups").handler(this::create);
        api.get("/groups").handler(this::list);
        api.get("/groups/:id").handler(ctx -> {
            String id = Ids.require("grp", ctx.pathParam("id"), "group");
            Responses.reply(ctx, groups.require(db.pool(), id).compose(g -> Responses.versioned(ctx, 200, g)));
        });
        api.patch("/groups/:id").handler(this::update);
        api.delete("/groups/:id").handler(this::delete);
        api.get("/groups/:id/users").handler(this::members);
        api.put("/groups/:id/users/:userId").handler(this::addMember);
        api.delete("/groups/:id/users/:userId").handler(this::removeMember);
    }

    private void create(RoutingContext ctx) {
        GroupRequests.Create req = Json.read(ctx.body().buffer(), GroupRequests.Create.class);
        Caller caller = Caller.of(ctx);
        Future<Group> created = db.inTransaction(tx -> groups.insert(tx, req, caller.actor())
                .compose(g -> audit.append(tx, AuditRecord.success(caller, "group.created", g.id(),
                        AuditRecord.fields().put("name", g.name()))).map(g)));
        Responses.reply(ctx, created.compose(g -> Responses.versioned(ctx, 201, g)));
    }

    private void list(RoutingContext ctx) {
        Cursor cursor = Cursor.from(ctx, "q");
        Responses.reply(ctx, groups.list(db.pool(), cursor, QueryParams.single(ctx, "q")).compose(page -> {
            cursor.link(ctx, page, Group::seq);
            return Responses.ok(ctx, page);
        }));
    }

    private void update(RoutingContext ctx) {
        String id = Ids.require("grp", ctx.pathParam("id"), "group");
        GroupRequests.Update req = Json.read(ctx.body().buffer(), GroupRequests.Update.class);
        int expected = Preconditions.expectedVersion(ctx, req.version());
        Caller caller = Caller.of(ctx);
        Future<Group> updated = db.inTransaction(tx -> groups.update(tx, id, expected, req)
                .compose(g -> audit.append(tx, AuditRecord.success(caller, "group.updated", id,
                        AuditRecord.fields().put("name", g.name()))).map(g)));
        Responses.reply(ctx, updated.compose(g -> Responses.versioned(ctx, 200, g)));
    }

    private void delete(RoutingContext ctx) {
        String id = Ids.require("grp", ctx.pathParam("id"), "group");
        Caller caller = Caller.of(ctx);
        Future<Void> deleted = db.inTransaction(tx -> groups.require(tx, id)
                .compose(g -> groups.delete(tx, id).compose(v -> audit.append(tx, AuditRecord.success(caller,
                        "group.deleted", id, AuditRecord.fields().put("name", g.name())))))
                .<Void>mapEmpty());
        Responses.reply(ctx, deleted.compose(v -> Responses.noContent(ctx)));
    }

    private void members(RoutingContext ctx) {
        String id = Ids.require("grp", ctx.pathParam("id"), "group");
        Cursor cursor = Cursor.from(ctx, new String[0]);
        Responses.reply(ctx, groups.require(db.pool(), id).compose(g -> groups.members(db.pool(), id, cursor))
                .compose(page -> {
                    cursor.link(ctx, page, User::seq);
                    return Responses.ok(ctx, page);
                }));
    }

    private void addMember(RoutingContext ctx) {
        String id = Ids.require("grp", ctx.pathParam("id"), "group");
        String userId = Ids.require("usr", ctx.pathParam("userId"), "user");
        Caller caller = Caller.of(ctx);
        Future<Boolean> added = db.inTransaction(tx -> groups.require(tx, id).compose(g -> users.require(tx, userId))
                .compose(u -> groups.addMember(tx, id, userId))
                .compose(isNew -> !isNew ? Future.succeededFuture(false)
                        : audit.append(tx, AuditRecord.success(caller, "group.member_added", id,
                        AuditRecord.fields().put("user_id", userId))).map(true)));
        Responses.reply(ctx, added.compose(v -> Responses.noContent(ctx)));
    }

    private void removeMember(RoutingContext ctx) {
        String id = Ids.require("grp", ctx.pathParam("id"), "group");
        String userId = Ids.require("usr", ctx.pathParam("userId"), "user");
        Caller caller = Caller.of(ctx);
        Future<Boolean> removed = db.inTransaction(tx -> groups.require(tx, id)
                .compose(g -> groups.removeMember(tx, id, userId))
                .compose(was -> {
                    if (!was) {
                        throw dev.lanyard.server.http.ApiException.notFound("user " + userId + " in group " + id);
                    }
                    return audit.append(tx, AuditRecord.success(caller, "group.member_removed", id,
                            AuditRecord.fields().put("user_id", userId))).map(true);
                }));
        Responses.reply(ctx, removed.compose(v -> Responses.noContent(ctx)));
    }
}
