package dev.lanyard.loadtest.scenario;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.UUID;

/**
 * {@code POST /v1/data/lanyard/mcp/decision} (OPA's Data API) as an MCP adapter asks it for every tool call: an
 * adapter-role token, a realistic input, the default policy set evaluated in the server, the decision logged.
 */
public final class PdpMcpDecisionScenario implements Scenario {

    public static final String NAME = "pdp-mcp-decision";

    @Override
    public String name() {
        return NAME;
    }

    static JsonObject input() {
        return new JsonObject()
                .put("token", new JsonObject().put("sub", "agt_load").put("client_id", "agt_load")
                        .put("scope", "tickets:read tickets:write").put("jti", "atj_load").put("iss", "https://as.example")
                        .put("aud", "https://tools.example/mcp").put("agent_id", "agt_load"))
                .put("agent", new JsonObject().put("id", "agt_load").put("status", "ACTIVE").put("type", "autonomous")
                        .put("tags", new JsonArray()))
                .putNull("principal")
                .put("server", new JsonObject().put("resource", "https://tools.example/mcp"))
                .put("tool", new JsonObject().put("name", "create_ticket")
                        .put("arguments", new JsonObject().put("title", "Printer on fire").put("priority", "high")))
                .put("request", new JsonObject().put("method", "tools/call").put("ip", "127.0.0.1")
                        .put("time", "2026-11-23T10:00:00Z"));
    }

    @Override
    public Future<RequestPlan> prepare(ScenarioContext context) {
        AdminApi admin = context.admin();
        Buffer body = new JsonObject().put("input", input()).toBuffer();
        return admin.create("/api/v1/admin-tokens", new JsonObject()
                        .put("name", "lt-adapter-" + UUID.randomUUID().toString().substring(0, 8)).put("role", "adapter"))
                .map(token -> new RequestPlan(HttpMethod.POST, "/v1/data/lanyard/mcp/decision",
                        Map.of("Authorization", "Bearer " + token.getString("token"), "Content-Type", "application/json"),
                        () -> body));
    }
}
