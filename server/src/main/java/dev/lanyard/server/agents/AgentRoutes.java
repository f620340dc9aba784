package dev.lanyard.server.agents;

import dev.lanyard.server.http.QueryParams;
import dev.lanyard.server.http.ApiRouter;
import dev.lanyard.server.audit.AuditLog;
import dev.lanyard.server.audit.AuditRecord;
import dev.lanyard.server.http.ApiException;
import dev.lanyard.server.http.Caller;
import dev.lanyard.server.http.Cursor;
import dev.lanyard.server.http.Ids;
import dev.lanyard.server.http.Json;
import dev.lanyard.server.http.MergePatch;
import dev.lanyard.server.http.Preconditions;
import dev.lanyard.server.http.Responses;
import dev.lanyard.server.store.Database;
import dev.lanyard.server.store.ReadCache;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;

/** {@code /api/v1/ai-agents}: register, read, list, update, activate, deactivate, delete. */
public final class AgentRoutes {
    private final Database db;
    private final AgentStore agents;
    private final AuditLog audit;
    private final ReadCache<Agent> cache;

    public AgentRoutes(Database db, AgentStore agents, AuditLog audit, ReadCache<Agent> cache) {
        this.db = db;
        this.agents = agents;
        this.audit = audit;
        this.cache = cache;
    }

    public void mount(ApiRouter api) {
        api.post("/ai-agents").handler(this::create);
        api.get("/ai-agents").handler(this::list);
        api.get("/ai-agents/:id").handler(this::get);
        api.patch("/ai-agents/:id").handler(this::update);
        api.delete("/ai-agents/:id").handler(this::delete);
        api.post("/ai-agents/:id/lifecycle/activate").handler(this::activate);
        api.post("/ai-agents/:id/lifecycle/deactivate").handler(this::deactivate);
    }

    private void create(RoutingContext ctx) {
        AgentRequests.Create req = Json.read(ctx.body().buffer(), AgentRequests.Create.class);
        Caller caller = Caller.of(ctx);
        Future<Agent> created = db.inTransaction(tx -> agents.insert(tx, req, caller.actor())
                .compose(a -> audit.append(tx, AuditRecord.success(caller, "agent.created", a.id(), summary(a))).map(a)));
        Responses.reply(ctx, created.compose(a -> Responses.versioned(ctx, 201, a)));
    }

    private void get(RoutingContext ctx) {
        String id = Ids.require("agt", ctx.pathParam("id"), "AI agent");
        Responses.reply(ctx, cache.get(id, () -> agents.require(db.pool(), id)).compose(a -> Responses.versioned(ctx, 200, a)));
    }

    private void list(RoutingContext ctx) {
        Cursor cursor = Cursor.from(ctx, "status", "type", "owner", "q");
        String owner = QueryParams.single(ctx, "owner");
        if (owner != null && !Ids.isValid("usr", owner)) {
            throw ApiException.invalid("Query parameter 'owner' must be a user id");
        }
        String type = QueryParams.single(ctx, "type");
        AgentStore.Filter filter;
        try {
            filter = new AgentStore.Filter(QueryParams.enumeration(ctx, "status", AgentStatus.class),
                    type == null ? null : AgentType.fromWire(type), owner, QueryParams.single(ctx, "q"));
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("Query parameter 'type' must be autonomous, user_delegated or scheduled");
        }
        Responses.reply(ctx, agents.list(db.pool(), cursor, filter).compose(page -> {
            cursor.link(ctx, page, Agent::seq);
            return Responses.ok(ctx, page);
        }));
    }

    private void update(RoutingContext ctx) {
        String id = Ids.require("agt", ctx.pathParam("id"), "AI agent");
        AgentRequests.Patch patch = AgentRequests.Patch.from(MergePatch.read(ctx));
        int expected = Preconditions.expectedVersion(ctx, patch.version());
        Caller caller = Caller.of(ctx);
        Future<Agent> updated = db.inTransaction(tx -> agents.lock(tx, id)
                .compose(current -> agents.update(tx, current, expected, patch))
                .compose(a -> agents.readiness(tx, id).map(r -> {
                    AgentLifecycle.checkStillActivatable(a, r);
                    return a;
                }))
                .compose(a -> audit.append(tx, AuditRecord.success(caller, "agent.updated", id, changed(patch))).map(a)));
        afterChange(ctx, id, updated, a -> Responses.versioned(ctx, 200, a));
    }

    private void activate(RoutingContext ctx) {
        String id = Ids.require("agt", ctx.pathParam("id"), "AI agent");
        Caller caller = Caller.of(ctx);
        Future<Agent> activated = db.inTransaction(tx -> agents.lock(tx, id)
                .compose(a -> agents.readiness(tx, id).map(r -> {
                    AgentLifecycle.checkActivate(a, r);
                    return a;
                }))
                .compose(before -> agents.setStatus(tx, id, AgentStatus.ACTIVE)
                        .compose(a -> audit.append(tx, AuditRecord.success(caller, "agent.activated", id,
                                AuditRecord.fields().put("from", before.status().name()))).map(a))));
        afterChange(ctx, id, activated, a -> Responses.versioned(ctx, 200, a));
    }

    private void deactivate(RoutingContext ctx) {
        String id = Ids.require("agt", ctx.pathParam("id"), "AI agent");
        Caller caller = Caller.of(ctx);
        Future<Agent> deactivated = db.inTransaction(tx -> agents.lock(tx, id)
                .compose(a -> {
                    AgentLifecycle.checkDeactivate(a);
                    return agents.setStatus(tx, id, AgentStatus.INACTIVE);
                })
                .compose(a -> audit.append(tx, AuditRecord.success(caller, "agent.deactivated", id, AuditRecord.fields())).map(a)));
        afterChange(ctx, id, deactivated, a -> Responses.versioned(ctx, 200, a));
    }

    private void delete(RoutingContext ctx) {
        String id = Ids.require("agt", ctx.pathParam("id"), "AI agent");
        Caller caller = Caller.of(ctx);
        Future<Void> deleted = db.inTransaction(tx -> agents.lock(tx, id)
                .compose(a -> {
                    AgentLifecycle.checkDelete(a);
                    return agents.delete(tx, id).compose(v -> audit.append(tx,
                            AuditRecord.success(caller, "agent.deleted", id, summary(a))));
                }).<Void>mapEmpty());
        afterChange(ctx, id, deleted, v -> Responses.noContent(ctx));
    }

    /** Answers a committed change, evicting the agent from the read cache first so the caller reads its own write. */
    private <T> void afterChange(RoutingContext ctx, String id, Future<T> change, java.util.function.Function<T, Future<Void>> answer) {
        Responses.reply(ctx, change.compose(result -> {
            cache.evict(id);
            return answer.apply(result);
        }));
    }

    private static com.fasterxml.jackson.databind.node.ObjectNode summary(Agent a) {
        var d = AuditRecord.fields().put("name", a.name()).put("agent_type", a.agentType().wire())
                .put("risk_level", a.riskLevel().wire());
        var owners = d.putArray("owners");
        a.owners().forEach(owners::add);
        return d;
    }

    private static com.fasterxml.jackson.databind.node.ObjectNode changed(AgentRequests.Patch p) {
        var d = AuditRecord.fields();
        var f = d.putArray("changed");
        p.name().ifPresent(v -> f.add("name"));
        p.description().ifPresent(v -> f.add("description"));
        p.owners().ifPresent(v -> f.add("owners"));
        p.ownerGroupId().ifPresent(v -> f.add("owner_group_id"));
        p.riskLevel().ifPresent(v -> f.add("risk_level"));
        p.defaultScopes().ifPresent(v -> f.add("default_scopes"));
        p.maxSessionSeconds().ifPresent(v -> f.add("max_session_seconds"));
        p.tags().ifPresent(v -> f.add("tags"));
        p.linkedAppId().ifPresent(v -> f.add("linked_app_id"));
        return d;
    }
}
