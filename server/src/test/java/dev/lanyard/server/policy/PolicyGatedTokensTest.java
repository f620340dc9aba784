package dev.lanyard.server.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jwt.SignedJWT;
import dev.lanyard.server.Api;
import dev.lanyard.server.Eventually;
import dev.lanyard.server.TestServer;
import dev.lanyard.server.oauth.OAuthFixtures;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The default token policy ({@code data.lanyard.token.decision}) through the real token endpoint: each rule allows
 * what it should and refuses with the right OAuth error and reason, and every decision reaches the decision log.
 */
class PolicyGatedTokensTest {
    private static final String CC = "client_credentials";
    private final TestServer server = TestServer.shared();
    private final OAuthFixtures of = new OAuthFixtures(server);

    @Test
    void scopesAreRequestedIntersectDefaultsIntersectConnection() {
        var agent = of.activeAgent("autonomous", null);   // default scopes: tickets.read
        var t = of.serverWithResource(agent.id(), CC, "INCLUDE_ONLY", List.of("tickets.read", "tickets.write"));
        Api.Resp r = of.clientCredentials(agent, t, "tickets.read tickets.write projects.delete");
        assertEquals(200, r.status(), r.toString());
        // tickets.write is allowed by the connection but not among the agent's default scopes
        assertEquals("tickets.read", r.body().path("scope").asText());
    }

    @Test
    void nothingGrantableIsInvalidScopeWithThePolicysReason() {
        var agent = of.activeAgent("autonomous", null);
        var t = of.serverWithResource(agent.id(), CC, "INCLUDE_ONLY", List.of("tickets.read"));
        Api.Resp r = of.clientCredentials(agent, t, "tickets.write");
        assertEquals(400, r.status(), r.toString());
        assertEquals("invalid_scope", r.body().path("error").asText());
        assertTrue(r.body().path("error_description").asText().contains("None of the requested scopes"), r.toString());
    }

    @Test
    void anAgentWhoseOnlyOwnerIsSuspendedIsDenied() {
        var agent = of.activeAgent("autonomous", null);
        var t = of.serverWithResource(agent.id(), CC, "ALL_SCOPES", List.of("*"));
        assertEquals(200, of.clientCredentials(agent, t, "tickets.read").status());
        assertEquals(200, server.admin().post("/api/v1/users/" + agent.ownerId() + "/lifecycle/suspend", null).status());
        Api.Resp r = of.clientCredentials(agent, t, "tickets.read");
        assertEquals(400, r.status(), r.toString());
        assertEquals("access_denied", r.body().path("error").asText());
        assertTrue(r.body().path("error_description").asText().contains("no active owner"), r.toString());
    }

    @Test
    void theLifetimeIsCappedByTheAgentsMaximumSession() throws Exception {
        var agent = of.activeAgent("autonomous", null);
        String etag = server.admin().get("/api/v1/ai-agents/" + agent.id()).header("ETag");
        Api.Resp patched = server.admin().patch("/api/v1/ai-agents/" + agent.id(), Map.of("max_session_seconds", 120),
                etag);
        assertEquals(200, patched.status(), patched.toString());
        var t = of.serverWithResource(agent.id(), CC, "ALL_SCOPES", List.of("*"));
        Api.Resp r = of.clientCredentials(agent, t, "tickets.read");
        assertEquals(200, r.status(), r.toString());
        assertTrue(r.body().path("expires_in").asInt() <= 120, r.toString());
        var claims = SignedJWT.parse(r.body().path("access_token").asText()).getJWTClaimsSet();
        long lifetime = (claims.getExpirationTime().getTime() - claims.getIssueTime().getTime()) / 1000;
        assertTrue(lifetime <= 120, "token lifetime " + lifetime);
    }

    @Test
    void anAutonomousAgentNeedsAnApprovalOnAProductionWriteResource() {
        var agent = of.activeAgent("autonomous", null);
        var t = of.serverWithResource(agent.id(), CC, "ALL_SCOPES", List.of("*"), List.of("production-write"));
        Api.Resp r = of.clientCredentials(agent, t, "tickets.read");
        assertEquals(400, r.status(), r.toString());
        assertEquals("access_denied", r.body().path("error").asText());
        String description = r.body().path("error_description").asText();
        assertTrue(description.contains("approval is required"), description);
        assertTrue(description.contains("apr_"), description);
    }

    @Test
    void everyDecisionIsLoggedAndTheTokenEventsPointAtIt() {
        var agent = of.activeAgent("autonomous", null);
        var t = of.serverWithResource(agent.id(), CC, "INCLUDE_ONLY", List.of("tickets.read"));
        assertEquals(200, of.clientCredentials(agent, t, "tickets.read").status());
        assertEquals(400, of.clientCredentials(agent, t, "tickets.write").status());

        JsonNode events = server.admin().get("/api/v1/audit/events?type=oauth.token.issued,oauth.token.refused&target="
                + agent.id()).body();
        List<String> decisionIds = new java.util.ArrayList<>();
        events.forEach(e -> {
            if (e.path("details").has("decision_id")) {
                decisionIds.add(e.path("details").path("decision_id").asText());
            }
        });
        assertEquals(2, decisionIds.size(), events.toString());
        for (String id : decisionIds) {
            JsonNode logged = Eventually.until(
                    () -> server.admin().get("/api/v1/audit/events?type=policy.decision&target=" + id).body(),
                    b -> b.size() == 1, "decision " + id + " in the decision log");
            JsonNode d = logged.get(0).path("details");
            assertEquals(PolicyDecisionPoint.TOKEN_DECISION, d.path("path").asText());
            assertEquals(agent.id(), d.path("input").path("agent").path("id").asText());
            assertFalse(d.path("revision").asText().isEmpty());
            assertTrue(d.path("result").has("allow"), d.toString());
            assertTrue(d.has("latency_us"));
        }
    }
}
