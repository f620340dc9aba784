package dev.lanyard.server.agents;

import dev.lanyard.server.http.ApiRouter;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.lanyard.server.audit.AuditLog;
import dev.lanyard.server.audit.AuditRecord;
import dev.lanyard.server.http.ApiException;
import dev.lanyard.server.http.Caller;
import dev.lanyard.server.http.ErrorCode;
import dev.lanyard.server.http.Ids;
import dev.lanyard.server.http.Json;
import dev.lanyard.server.http.MergePatch;
import dev.lanyard.server.http.Responses;
import dev.lanyard.server.store.Database;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;

/**
 * {@code /api/v1/ai-agents/{id}/credentials/jwks}: the public keys an agent signs with. Any active key verifies, so
 * rotation is add-new, activate, deactivate-old. The last active key of an ACTIVE agent can't be deactivated.
 */
public final class AgentKeyRoutes {
    private static final String BASE = "/ai-agents/:id/credentials/jwks";
    private final Database db;
    private final AgentStore agents;
    private final AgentKeyStore keys;
    private final AuditLog audit;

    public AgentKeyRoutes(Database db, AgentStore agents, AgentKeyStore keys, AuditLog audit) {
        this.db = db;
        this.agents = agents;
        this.keys = keys;
        this.audit = audit;
    }

    public void mount(ApiRouter api) {
        api.post(BASE).handler(this::add);
        api.get(BASE).handler(ctx -> {
            String id = agentId(ctx);
            Responses.reply(ctx, agents.require(db.pool(), id).compose(a -> keys.list(db.pool(), id))
                    .compose(list -> Responses.ok(ctx, list)));
        });
        api.get(BASE + "/:keyId").handler(ctx -> {
            String id = agentId(ctx);
            String keyId = keyId(ctx);
            Responses.reply(ctx, keys.require(db.pool(), id, keyId).compose(k -> Responses.ok(ctx, k)));
        });
        api.post(BASE + "/:keyId/lifecycle/activate").handler(this::activate);
        api.post(BASE + "/:keyId/lifecycle/deactivate").handler(this::deactivate);
        api.delete(BASE + "/:keyId").handler(this::delete);
    }

    private void add(RoutingContext ctx) {
        String id = agentId(ctx);
        JsonNode body = MergePatch.read(ctx);
        if (!body.isObject()) {
            throw ApiException.invalid("The request body must be a JWK (a JSON object)");
        }
        Map<String, Object> members = Json.MAPPER.convertValue(body, new TypeReference<>() {});
        Object statusValue = members.remove("status");
        String status;
        if (statusValue == null || "ACTIVE".equals(statusValue)) {
            status = "ACTIVE";
        } else if ("INACTIVE".equals(statusValue)) {
            status = "INACTIVE";
        } else {
            throw ApiException.invalid("status must be ACTIVE or INACTIVE");
        }
        AgentPublicKey key;
        try {
            key = AgentPublicKey.parse(members);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(e.getMessage());
        }
        Caller caller = Caller.of(ctx);
        Future<AgentKey> added = db.inTransaction(tx -> agents.lock(tx, id)
                .compose(a -> keys.insert(tx, id, key, status))
                .compose(k -> audit.append(tx, AuditRecord.success(caller, "agent.credential.added", id,
                        AuditRecord.fields().put("key_id", k.id()).put("kid", k.kid()).put("status", status)
                                .put("kty", key.jwk().getKeyType().getValue()))).map(k)));
        Responses.reply(ctx, added.compose(k -> Responses.json(ctx, 201, k)));
    }

    private void activate(RoutingContext ctx) {
        String id = agentId(ctx);
        String keyId = keyId(ctx);
        Caller caller = Caller.of(ctx);
        Future<AgentKey> done = db.inTransaction(tx -> agents.lock(tx, id)
                .compose(a -> keys.require(tx, id, keyId))
                .compose(k -> {
                    if (k.status().equals("ACTIVE")) {
                        throw new ApiException(ErrorCode.LIFECYCLE, "Key " + keyId + " is already ACTIVE");
                    }
                    return keys.setStatus(tx, id, keyId, "ACTIVE");
                })
                .compose(k -> audit.append(tx, AuditRecord.success(caller, "agent.credential.activated", id,
                        AuditRecord.fields().put("key_id", keyId).put("kid", k.kid()))).map(k)));
        Responses.reply(ctx, done.compose(k -> Responses.ok(ctx, k)));
    }

    private void deactivate(RoutingContext ctx) {
        String id = agentId(ctx);
        String keyId = keyId(ctx);
        Caller caller = Caller.of(ctx);
        Future<AgentKey> done = db.inTransaction(tx -> agents.lock(tx, id)
                .compose(agent -> keys.require(tx, id, keyId).compose(k -> {
                    if (k.status().equals("INACTIVE")) {
                        throw new ApiException(ErrorCode.LIFECYCLE, "Key " + keyId + " is already INACTIVE");
                    }
                    return keys.countActive(tx, id).compose(n -> {
                        if (n <= 1 && agent.status() == AgentStatus.ACTIVE) {
                            throw new ApiException(ErrorCode.LIFECYCLE, "Cannot deactivate key " + keyId
                                    + ": it is the last active key of ACTIVE AI agent " + id
                                    + "; add and activate another key first, or deactivate the agent");
                        }
                        return keys.setStatus(tx, id, keyId, "INACTIVE");
                    });
                }))
                .compose(k -> audit.append(tx, AuditRecord.success(caller, "agent.credential.deactivated", id,
                        AuditRecord.fields().put("key_id", keyId).put("kid", k.kid()))).map(k)));
        Responses.reply(ctx, done.compose(k -> Responses.ok(ctx, k)));
    }

    private void delete(RoutingContext ctx) {
        String id = agentId(ctx);
        String keyId = keyId(ctx);
        Caller caller = Caller.of(ctx);
        Future<Void> done = db.inTransaction(tx -> agents.lock(tx, id)
                .compose(a -> keys.require(tx, id, keyId))
                .compose(k -> {
                    if (!k.status().equals("INACTIVE")) {
                        throw new ApiException(ErrorCode.LIFECYCLE, "Cannot delete key " + keyId
                                + ": it is ACTIVE; deactivate it first");
                    }
                    return keys.delete(tx, id, keyId).compose(v -> audit.append(tx, AuditRecord.success(caller,
                            "agent.credential.deleted", id, AuditRecord.fields().put("key_id", keyId).put("kid", k.kid()))));
                }).<Void>mapEmpty());
        Responses.reply(ctx, done.compose(v -> Responses.noContent(ctx)));
    }

    private static String agentId(RoutingContext ctx) {
        return Ids.require("agt", ctx.pathParam("id"), "AI agent");
    }

    private static String keyId(RoutingContext ctx) {
        return Ids.require("key", ctx.pathParam("keyId"), "key");
    }
}
