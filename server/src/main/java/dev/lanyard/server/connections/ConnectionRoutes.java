package dev.lanyard.server.connections;

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
 * {@code /api/v1/ai-agents/{id}/connections}: which authorization server (and resource) an agent may reach, how, and
 * with which scopes. Listed scopes must be defined by the target; one connection per agent, server, type and
 * resource. Target and type are fixed once made; scopes change together with their condition.
 */
public final class ConnectionRoutes {
    private static final String BASE = "/ai-agents/:id/connections";
    private final Database db;
    private final ConnectionStore connections;
    private final AuditLog audit;

    public ConnectionRoutes(Database db, ConnectionStore connections, AuditLog audit) {
        this.db = db;
        this.connections = connections;
        this.audit = audit;
    }

    public void mount(ApiRouter api) {
        api.post(BASE).handler(this::create);
        api.get(BASE).handler(this::list);
        api.get(BASE + "/:conId").handler(ctx -> {
            String agentId = agentId(ctx);
            String conId = connectionId(ctx);
            Responses.reply(ctx, connections.require(db.pool(), agentId, conId).compose(c -> Responses.versioned(ctx, 200, c)));
        });
        api.patch(BASE + "/:conId").handler(this::update);
        api.delete(BASE + "/:conId").handler(this::delete);
        api.post(BASE + "/:conId/lifecycle/activate").handler(ctx -> transition(ctx, ConnectionStatus.INACTIVE,
                ConnectionStatus.ACTIVE, "activate", "connection.activated"));
        api.post(BASE + "/:conId/lifecycle/deactivate").handler(ctx -> transition(ctx, ConnectionStatus.ACTIVE,
                ConnectionStatus.INACTIVE, "deactivate", "connection.deactivated"));
    }

    private void create(RoutingContext ctx) {
        String agentId = agentId(ctx);
        ConnectionRequests.Create req = Json.read(ctx.body().buffer(), ConnectionRequests.Create.class);
        Caller caller = Caller.of(ctx);
        Future<Connection> created = db.inTransaction(tx -> connections.lockAgent(tx, agentId)
                .compose(v -> connections.targetScopes(tx, req.authorizationServerId(), req.resourceId()))
                .compose(defined -> {
                    ConnectionRequests.checkDefined(req.scopeCondition(), req.scopes(), defined, target(req.resourceId(),
                            req.authorizationServerId()));
                    return connections.insert(tx, agentId, req, caller.actor());
                })
                .compose(c -> audit.append(tx, AuditRecord.success(caller, "connection.created", c.id(), summary(c)))
                        .map(c)));
        Responses.reply(ctx, created.compose(c -> Responses.versioned(ctx, 201, c)));
    }

    private void list(RoutingContext ctx) {
        String agentId = agentId(ctx);
        Cursor cursor = Cursor.from(ctx, "status");
        ConnectionStore.Filter filter = new ConnectionStore.Filter(QueryParams.enumeration(ctx, "status", ConnectionStatus.class));
        Responses.reply(ctx, connections.requireAgent(db.pool(), agentId)
                .compose(v -> connections.list(db.pool(), agentId, cursor, filter))
                .compose(page -> {
                    cursor.link(ctx, page, Connection::seq);
                    return Responses.ok(ctx, page);
                }));
    }

    private void update(RoutingContext ctx) {
        String agentId = agentId(ctx);
        String conId = connectionId(ctx);
        ConnectionRequests.Patch patch = ConnectionRequests.Patch.from(MergePatch.read(ctx));
        int expected = Preconditions.expectedVersion(ctx, patch.version());
        Caller caller = Caller.of(ctx);
        Future<Connection> updated = db.inTransaction(tx -> connections.lock(tx, agentId, conId)
                .compose(current -> {
                    ConnectionStore.checkVersion(current, expected);
                    String resourceId = current.resource() == null ? null : current.resource().id();
                    String serverId = current.authorizationServer().id();
                    return connections.targetScopes(tx, serverId, resourceId).compose(defined -> {
                        ConnectionRequests.checkDefined(patch.scopeCondition(), patch.scopes(), defined,
                                target(resourceId, serverId));
                        return connections.updateScopes(tx, current, expected, patch);
                    });
                })
                .compose(c -> audit.append(tx, AuditRecord.success(caller, "connection.updated", conId, summary(c)))
                        .map(c)));
        Responses.reply(ctx, updated.compose(c -> Responses.versioned(ctx, 200, c)));
    }

    private void transition(RoutingContext ctx, ConnectionStatus from, ConnectionStatus to, String action, String event) {
        String agentId = agentId(ctx);
        String conId = connectionId(ctx);
        Caller caller = Caller.of(ctx);
        Future<Connection> moved = db.inTransaction(tx -> connections.lock(tx, agentId, conId)
                .compose(c -> {
                    if (c.status() != from) {
                        throw new ApiException(ErrorCode.LIFECYCLE, "Cannot " + action + " connection " + conId
                                + ": it is " + c.status() + " (only " + from + " connections can be " + action + "d)");
                    }
                    return connections.setStatus(tx, c, to);
                })
                .compose(c -> audit.append(tx, AuditRecord.success(caller, event, conId,
                        AuditRecord.fields().put("agent_id", agentId).put("from", from.name()))).map(c)));
        Responses.reply(ctx, moved.compose(c -> Responses.versioned(ctx, 200, c)));
    }

    private void delete(RoutingContext ctx) {
        String agentId = agentId(ctx);
        String conId = connectionId(ctx);
        Caller caller = Caller.of(ctx);
        Future<Void> deleted = db.inTransaction(tx -> connections.lock(tx, agentId, conId)
                .compose(c -> connections.delete(tx, conId).compose(v -> audit.append(tx,
                        AuditRecord.success(caller, "connection.deleted", conId, summary(c)))))
                .<Void>mapEmpty());
        Responses.reply(ctx, deleted.compose(v -> Responses.noContent(ctx)));
    }

    private static String target(String resourceId, String serverId) {
        return resourceId == null ? "any resource of authorization server " + serverId : "resource " + resourceId;
    }

    private static String agentId(RoutingContext ctx) {
        return Ids.require("agt", ctx.pathParam("id"), "AI agent");
    }

    private static String connectionId(RoutingContext ctx) {
        return Ids.require("con", ctx.pathParam("conId"), "connection");
    }

    private static ObjectNode summary(Connection c) {
        ObjectNode d = AuditRecord.fields().put("agent_id", c.agentId())
                .put("authorization_server_id", c.authorizationServer().id())
                .put("resource_id", c.resource() == null ? null : c.resource().id())
                .put("connection_type", c.connectionType().wire()).put("scope_condition", c.scopeCondition().name());
        var scopes = d.putArray("scopes");
        c.scopes().forEach(scopes::add);
        return d;
    }
}
