package dev.lanyard.server.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanyard.server.Api;
import dev.lanyard.server.Fixtures;
import dev.lanyard.server.TestServer;
import org.junit.jupiter.api.Test;

class AgentLifecycleTest {
    private final TestServer server = TestServer.shared();
    private final Api api = server.admin();
    private final Fixtures fx = new Fixtures(api);

    @Test
    void createdAgentIsStagedWithEveryField() {
        String owner = fx.user();
        Api.Resp r = fx.agent("autonomous", owner);
        assertEquals(201, r.status(), r.toString());
        assertEquals("STAGED", r.body().path("status").asText());
        assertEquals("autonomous", r.body().path("agent_type").asText());
        assertEquals(owner, r.body().path("owners").get(0).asText());
        assertEquals("low", r.body().path("risk_level").asText());
        assertEquals("tickets.read", r.body().path("default_scopes").get(0).asText());
        assertEquals(3600, r.body().path("max_session_seconds").asInt());
        assertEquals("admin_token:", r.body().path("created_by").asText().substring(0, 12));
        assertTrue(r.body().has("created") && r.body().has("updated") && r.body().has("linked_app_id"));
        assertEquals("\"1\"", r.header("ETag"));
        Api.Resp got = api.get("/api/v1/ai-agents/" + r.id());
        assertEquals(200, got.status());
        assertEquals(r.body(), got.body());
    }

    @Test
    void activationNeedsAnActiveOwnerAndAnActiveKey() {
        String owner = fx.user();
        String agent = fx.agentId("autonomous", owner);
        Api.Resp noKey = api.post("/api/v1/ai-agents/" + agent + "/lifecycle/activate", null);
        assertEquals(409, noKey.status());
        assertTrue(noKey.summary().contains("active key"), noKey.summary());

        fx.addKey(agent);
        api.post("/api/v1/users/" + owner + "/lifecycle/suspend", null);
        Api.Resp suspendedOwner = api.post("/api/v1/ai-agents/" + agent + "/lifecycle/activate", null);
        assertEquals(409, suspendedOwner.status());
        assertTrue(suspendedOwner.summary().contains("ACTIVE owner"), suspendedOwner.summary());

        api.post("/api/v1/users/" + owner + "/lifecycle/unsuspend", null);
        Api.Resp ok = api.post("/api/v1/ai-agents/" + agent + "/lifecycle/activate", null);
        assertEquals(200, ok.status(), ok.toString());
        assertEquals("ACTIVE", ok.body().path("status").asText());
    }

    @Test
    void userDelegatedAgentsNeedALinkedApp() {
        String owner = fx.user();
        String agent = fx.agentId("user_delegated", owner);
        fx.addKey(agent);
        Api.Resp refused = api.post("/api/v1/ai-agents/" + agent + "/lifecycle/activate", null);
        assertEquals(409, refused.status());
        assertTrue(refused.summary().contains("linked app"), refused.summary());
    }

    @Test
    void everyRefusedTransitionIs409AndChangesNothing() {
        String owner = fx.user();
        String staged = fx.agentId("scheduled", owner);
        assertEquals(409, api.post("/api/v1/ai-agents/" + staged + "/lifecycle/deactivate", null).status());
        Api.Resp deleteStaged = api.delete("/api/v1/ai-agents/" + staged);
        assertEquals(409, deleteStaged.status());
        assertEquals("E0000410", deleteStaged.errorCode());
        assertTrue(deleteStaged.summary().contains("only INACTIVE"), deleteStaged.summary());

        String active = fx.activeAgent();
        assertEquals(409, api.post("/api/v1/ai-agents/" + active + "/lifecycle/activate", null).status());
        assertEquals(409, api.delete("/api/v1/ai-agents/" + active).status());
        assertEquals("ACTIVE", api.get("/api/v1/ai-agents/" + active).body().path("status").asText());

        assertEquals(200, api.post("/api/v1/ai-agents/" + active + "/lifecycle/deactivate", null).status());
        assertEquals(409, api.post("/api/v1/ai-agents/" + active + "/lifecycle/deactivate", null).status());
        assertEquals("INACTIVE", api.get("/api/v1/ai-agents/" + active).body().path("status").asText());
        // INACTIVE can be activated again
        assertEquals(200, api.post("/api/v1/ai-agents/" + active + "/lifecycle/activate", null).status());
    }

    @Test
    void deleteOnlyFromInactiveThen404AndHistoryStays() {
        String agent = fx.activeAgent();
        assertEquals(200, api.post("/api/v1/ai-agents/" + agent + "/lifecycle/deactivate", null).status());
        assertEquals(204, api.delete("/api/v1/ai-agents/" + agent).status());
        assertEquals(404, api.get("/api/v1/ai-agents/" + agent).status());
        assertEquals(404, api.delete("/api/v1/ai-agents/" + agent).status());
        Api.Resp history = api.get("/api/v1/audit/events?target=" + agent + "&limit=100");
        assertEquals(200, history.status());
        var types = new java.util.ArrayList<String>();
        history.body().forEach(e -> types.add(e.path("type").asText()));
        assertEquals(java.util.List.of("agent.created", "agent.credential.added", "agent.activated",
                "agent.deactivated", "agent.deleted"), types);
    }

    @Test
    void anActiveAgentCannotLoseItsLastActiveOwner() {
        String agent = fx.activeAgent();
        String suspended = fx.user();
        api.post("/api/v1/users/" + suspended + "/lifecycle/suspend", null);
        String etag = api.get("/api/v1/ai-agents/" + agent).header("ETag");
        Api.Resp r = api.patch("/api/v1/ai-agents/" + agent, Api.map("owners", java.util.List.of(suspended)), etag);
        assertEquals(409, r.status(), r.toString());
        assertEquals(etag, api.get("/api/v1/ai-agents/" + agent).header("ETag"));
    }
}
