package dev.lanyard.server.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanyard.server.Api;
import dev.lanyard.server.Eventually;
import dev.lanyard.server.TestServer;
import dev.lanyard.server.oauth.OAuthFixtures;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * OPA's REST Data API, requested exactly as OPA's documentation shows (plain HTTP: the Java OPA client
 * {@code com.styra:opa} does not resolve from the Maven repository this project builds from), against Lanyard.
 */
class DataApiTest {
    private static final String MCP = "/v1/data/lanyard/mcp/decision";
    private final TestServer server = TestServer.shared();
    private final Api admin = server.admin();

    static Map<String, Object> mcpInput(String tool, String scope) {
        Map<String, Object> token = new LinkedHashMap<>();
        token.put("sub", "agt_x");
        token.put("client_id", "agt_x");
        token.put("scope", scope);
        token.put("jti", "atj_1");
        token.put("iss", "https://as.example");
        token.put("aud", "https://tools.example/mcp");
        token.put("agent_id", "agt_x");
        return Api.map("token", token, "agent", Api.map("id", "agt_x", "status", "ACTIVE", "type", "autonomous",
                        "tags", List.of()),
                "principal", null, "server", Api.map("resource", "https://tools.example/mcp"),
                "tool", Api.map("name", tool, "arguments", Api.map("title", "t", "password", "hunter2")),
                "request", Api.map("method", "tools/call", "ip", "127.0.0.1", "time", "2026-11-23T10:00:00Z"));
    }

    @Test
    void postWithInputAnswersResultAndDecisionId() {
        Api.Resp r = admin.post(MCP, Map.of("input", mcpInput("read_ticket", "tickets:read")));
        assertEquals(200, r.status(), r.toString());
        assertTrue(r.body().path("result").path("allow").asBoolean(), r.toString());
        assertTrue(r.body().path("decision_id").asText().startsWith("dec_"), r.toString());

        Api.Resp denied = admin.post(MCP, Map.of("input", mcpInput("create_ticket", "tickets:read")));
        assertEquals(200, denied.status());
        assertFalse(denied.body().path("result").path("allow").asBoolean(), denied.toString());
        assertEquals("tickets:write", denied.body().path("result").path("required_scopes").get(0).asText(),
                denied.toString());
    }

    @Test
    void anUndefinedDocumentHasNoResultKey() {
        Api.Resp r = admin.post("/v1/data/lanyard/nothing/here", Map.of("input", Map.of()));
        assertEquals(200, r.status(), r.toString());
        assertFalse(r.body().has("result"), r.toString());
        assertTrue(r.body().has("decision_id"));
    }

    @Test
    void getReadsDataAndRulesAndTakesInputAsAQueryParameter() {
        Api.Resp config = admin.get("/v1/data/lanyard/config/approval_tags");
        assertEquals(200, config.status(), config.toString());
        assertEquals("production-write", config.body().path("result").get(0).asText(), config.toString());

        String input = URLEncoder.encode(Api.JSON.valueToTree(mcpInput("read_ticket", "tickets:read")).toString(),
                StandardCharsets.UTF_8);
        Api.Resp r = admin.get(MCP + "?input=" + input + "&pretty=true&metrics=true");
        assertEquals(200, r.status(), r.toString());
        assertTrue(r.body().path("result").path("allow").asBoolean(), r.toString());
        assertTrue(r.raw().contains("\n"), "pretty output is indented");
        assertTrue(r.body().path("metrics").has("timer_rego_query_eval_ns"), r.toString());
        assertFalse(r.body().has("provenance"), "provenance only when asked for");
        // provenance names the policy revision that decided, the one GET /api/v1/policies shows as active
        Api.Resp withProvenance = admin.get(MCP + "?input=" + input + "&provenance=true");
        String active = admin.get("/api/v1/policies").body().path("active").path("revision").asText();
        assertEquals(64, active.length());
        assertEquals(active, withProvenance.body().path("provenance").path("revision").asText(), withProvenance.toString());
        assertEquals(active, withProvenance.body().path("provenance").path("bundles").path("lanyard").path("revision")
                .asText(), withProvenance.toString());
        // OPA's other options are accepted
        assertEquals(200, admin.get(MCP + "?input=" + input + "&provenance&explain=off&strict-builtin-errors").status());
    }

    @Test
    void badRequestsGetOpasErrorForm() {
        Api.Resp malformed = admin.send("POST", MCP, "{\"input\": ", Map.of());
        assertEquals(400, malformed.status(), malformed.toString());
        assertEquals("invalid_parameter", malformed.body().path("code").asText());
        assertTrue(malformed.body().path("message").asText().contains("malformed"), malformed.toString());

        Api.Resp notObject = admin.send("POST", MCP, "[1,2]", Map.of());
        assertEquals(400, notObject.status());
        assertEquals("invalid_parameter", notObject.body().path("code").asText());

        Api.Resp badGetInput = admin.get(MCP + "?input=%7Bnope");
        assertEquals(400, badGetInput.status());

        Api.Resp emptySegment = admin.post("/v1/data/lanyard//mcp", Map.of());
        assertEquals(400, emptySegment.status(), emptySegment.toString());
    }

    @Test
    void callersMustAuthenticate() {
        long before = server.count("audit_events", "type = 'pdp.auth_failed'");
        Api.Resp none = server.anonymous().post(MCP, Map.of("input", Map.of()));
        assertEquals(401, none.status());
        assertEquals("unauthorized", none.body().path("code").asText());
        Api.Resp wrong = admin.withToken("not-a-real-token-0123456789").post(MCP, Map.of("input", Map.of()));
        assertEquals(401, wrong.status());
        Api.Resp basic = admin.send("POST", MCP, "{}", Map.of("Authorization", "Basic Zm9vOmJhcg=="));
        assertEquals(401, basic.status());
        assertEquals(before + 3, server.count("audit_events", "type = 'pdp.auth_failed'"));
    }

    @Test
    void anAdapterTokenMayAskButMayNotAdministrate() {
        Api.Resp created = admin.post("/api/v1/admin-tokens", Map.of("name", "adapter", "role", "adapter"));
        assertEquals(201, created.status(), created.toString());
        Api adapter = admin.withToken(created.body().path("token").asText());
        assertEquals(200, adapter.post(MCP, Map.of("input", mcpInput("read_ticket", "tickets:read"))).status());
        assertEquals(403, adapter.get("/api/v1/users").status());
        assertEquals(403, adapter.post("/api/v1/users", Map.of()).status());
        assertEquals(403, adapter.get("/api/v1/audit/events").status());
    }

    @Test
    void anAccessTokenWithTheLanyardPdpScopeIsAccepted() {
        OAuthFixtures of = new OAuthFixtures(server);
        var agent = of.activeAgent("autonomous", null);
        Api.Resp s = admin.post("/api/v1/authorization-servers", Api.map("name", "pdp-" + agent.id()));
        assertEquals(201, s.status(), s.toString());
        String resource = PdpAuthentication.resourceUri(server.baseUrl());
        Api.Resp res = admin.post("/api/v1/authorization-servers/" + s.id() + "/resources", Api.map("uri", resource,
                "name", "pdp", "scopes", List.of("lanyard.pdp", "other"), "tags", List.of()));
        assertEquals(201, res.status(), res.toString());
        Api.Resp c = admin.post("/api/v1/ai-agents/" + agent.id() + "/connections", Api.map(
                "authorization_server_id", s.id(), "resource_id", res.id(), "connection_type", "client_credentials",
                "scope_condition", "ALL_SCOPES", "scopes", List.of("*")));
        assertEquals(201, c.status(), c.toString());
        // the agent's default scopes (tickets.read) do not include these: ask explicitly... and it is refused
        var target = new OAuthFixtures.Target(s.id(), server.baseUrl() + "/oauth2/" + s.id(), resource, c.id());
        String etag = admin.get("/api/v1/ai-agents/" + agent.id()).header("ETag");
        assertEquals(200, admin.patch("/api/v1/ai-agents/" + agent.id(),
                Map.of("default_scopes", List.of("lanyard.pdp", "other")), etag).status());

        Api.Resp pdpToken = of.clientCredentials(agent, target, "lanyard.pdp");
        assertEquals(200, pdpToken.status(), pdpToken.toString());
        Api withPdp = admin.withToken(pdpToken.body().path("access_token").asText());
        assertEquals(200, withPdp.post(MCP, Map.of("input", mcpInput("read_ticket", "tickets:read"))).status());

        Api.Resp otherToken = of.clientCredentials(agent, target, "other");
        assertEquals(200, otherToken.status(), otherToken.toString());
        Api.Resp refused = admin.withToken(otherToken.body().path("access_token").asText())
                .post(MCP, Map.of("input", Map.of()));
        assertEquals(401, refused.status());
        assertTrue(refused.body().path("message").asText().contains("lanyard.pdp"), refused.toString());

        // a token for another resource is refused too
        var t = of.serverWithResource(agent.id(), "client_credentials", "ALL_SCOPES", List.of("*"));
        Api.Resp foreign = of.clientCredentials(agent, t, "tickets.read");
        assertEquals(401, admin.withToken(foreign.body().path("access_token").asText())
                .post(MCP, Map.of("input", Map.of())).status());
    }

    @Test
    void dataApiDecisionsAreLoggedWithSecretsRedacted() {
        Api.Resp r = admin.post(MCP, Map.of("input", mcpInput("read_ticket", "tickets:read")));
        String id = r.body().path("decision_id").asText();
        JsonNode logged = Eventually.until(
                () -> admin.get("/api/v1/audit/events?type=policy.decision&target=" + id).body(),
                b -> b.size() == 1, "decision " + id + " in the decision log");
        JsonNode d = logged.get(0).path("details");
        assertEquals("lanyard/mcp/decision", d.path("path").asText());
        assertEquals("[REDACTED]", d.path("input").path("tool").path("arguments").path("password").asText());
        assertEquals("t", d.path("input").path("tool").path("arguments").path("title").asText());
        assertTrue(d.path("result").path("allow").asBoolean());
        assertEquals(admin.get("/api/v1/policies").body().path("active").path("revision").asText(),
                d.path("revision").asText());
        assertEquals("admin_token", logged.get(0).path("actor").asText().split(":")[0]);
        // and the chain still verifies with the batched appends in it
        assertTrue(admin.get("/api/v1/audit/verify").body().path("valid").asBoolean(),
                admin.get("/api/v1/audit/verify").toString());
    }

    /** A decision whose input holds a lone surrogate is logged like any other, not retried for ever. */
    @Test
    void aDecisionWithALoneSurrogateInItsInputIsLogged() throws Exception {
        String tool = "read" + (char) 0xD800 + "ticket";
        // written as an escape by hand: a JSON library or UTF-8 encoder on the way would replace the lone half
        Api.Resp r = admin.post(MCP, Api.JSON.writeValueAsString(Map.of("input", mcpInput("read@HIGH@ticket", "tickets:read")))
                .replace("@HIGH@", "\\ud800"));
        assertEquals(200, r.status(), r.toString());
        String id = r.body().path("decision_id").asText();
        JsonNode logged = Eventually.until(
                () -> admin.get("/api/v1/audit/events?type=policy.decision&target=" + id).body(),
                b -> b.size() == 1, "decision " + id + " in the decision log");
        assertEquals(tool, logged.get(0).path("details").path("input").path("tool").path("name").asText());
        assertTrue(admin.get("/api/v1/audit/verify").body().path("valid").asBoolean());
    }
}
