package dev.lanyard.loadtest.scenario;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.UUID;

/** {@code GET /api/v1/ai-agents/{id}} as the admin: bearer-token check plus one directory read. */
public final class AgentGetScenario implements Scenario {

    public static final String NAME = "agent-get";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Future<RequestPlan> prepare(ScenarioContext context) {
        AdminApi admin = context.admin();
        // A suffix keeps setup repeatable against a server that already holds fixtures from an earlier run.
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        JsonObject user = new JsonObject()
                .put("login", "lt-user-" + suffix)
                .put("email", "lt-user-" + suffix + "@example.com")
                .put("display_name", "Load Test")
                .put("password", "a long password 123!");
        return admin.create("/api/v1/users", user)
                .compose(created -> admin.create("/api/v1/ai-agents", new JsonObject()
                        .put("name", "lt-agent-" + suffix)
                        .put("description", "load test")
                        .put("agent_type", "autonomous")
                        .put("owners", new JsonArray().add(requireId(created, "user")))
                        .put("risk_level", "low")
                        .put("default_scopes", new JsonArray().add("tickets.read"))
                        .put("max_session_seconds", 3600)
                        .put("tags", new JsonArray())))
                .map(agent -> RequestPlan.get("/api/v1/ai-agents/" + requireId(agent, "agent"), admin.authorization()))
                // One unmeasured call proves the plan works before thousands of requests repeat it.
                .compose(plan -> admin.get(plan.path()).map(ignored -> plan));
    }

    private static String requireId(JsonObject created, String what) {
        Object id = created.getValue("id");
        if (id == null) {
            throw new IllegalStateException("created " + what + " has no 'id': " + created.encode());
        }
        return id.toString();
    }
}
