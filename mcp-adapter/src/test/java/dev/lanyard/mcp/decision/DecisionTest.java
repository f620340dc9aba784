package dev.lanyard.mcp.decision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanyard.mcp.guard.Verdict;
import dev.lanyard.mcp.http.Json;
import dev.lanyard.mcp.token.VerifiedToken;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The default Lanyard policy (compiled to WASM, evaluated in process) as the adapter asks it, and the verdicts. */
class DecisionTest {
    private static LocalDecisionClient local;

    @BeforeAll
    static void load() {
        local = new LocalDecisionClient(LocalDecisionClient.load(Path.of("default")), Runnable::run);
    }

    @AfterAll
    static void close() {
        local.close();
    }

    static VerifiedToken token(String scope) {
        Instant now = Instant.now();
        return new VerifiedToken("https://lanyard.example/oauth2/aus_1", "agt_1", List.of("https://tools.example.test/mcp"),
                "agt_1", List.of(scope.split(" ")), "atj_1", now, now.plusSeconds(300), "agt_1", "ses_1", null);
    }

    private Verdict verdict(String scope, String tool, JsonNode args) {
        VerifiedToken t = token(scope);
        JsonNode input = DecisionInput.of(t, "https://tools.example.test/mcp", "tools/call", tool, args, "127.0.0.1", Instant.now());
        return Verdict.of(local.decide(input).toCompletableFuture().join(), t);
    }

    @Test
    void theInputFollowsThePolicyContract() throws Exception {
        VerifiedToken t = new VerifiedToken("iss", "usr_1", List.of("r"), "agt_1", List.of("a", "b"), "j", Instant.EPOCH,
                Instant.EPOCH.plusSeconds(1), "agt_1", "ses_1", Map.of("sub", "agt_1"));
        JsonNode in = DecisionInput.of(t, "r", "tools/call", "read_ticket", Json.parse("{\"id\":1}"), "10.0.0.1",
                Instant.parse("2026-11-23T10:00:00Z"));
        assertEquals(Json.parse("{\"token\":{\"sub\":\"usr_1\",\"client_id\":\"agt_1\",\"scope\":\"a b\",\"jti\":\"j\",\"iss\":\"iss\","
                + "\"agent_id\":\"agt_1\",\"act\":{\"sub\":\"agt_1\"},\"aud\":[\"r\"]},\"agent\":null,\"principal\":{\"id\":\"usr_1\"},"
                + "\"server\":{\"resource\":\"r\"},\"tool\":{\"name\":\"read_ticket\",\"arguments\":{\"id\":1}},"
                + "\"request\":{\"method\":\"tools/call\",\"ip\":\"10.0.0.1\",\"time\":\"2026-11-23T10:00:00Z\"}}"), in);
    }

    @Test
    void scopesDecideAndMissingScopesBecomeAStepUp() throws Exception {
        Verdict allowed = verdict("tickets:read tickets:write", "create_ticket", Json.parse("{\"title\":\"t\"}"));
        assertTrue(allowed.allowed());
        assertNotNull(allowed.decision().policyRevision());

        Verdict step = verdict("tickets:read", "create_ticket", Json.object());
        assertEquals(Verdict.Kind.INSUFFICIENT_SCOPE, step.kind());
        assertEquals(List.of("tickets:write"), step.scopes());

        Verdict destructive = verdict("projects:admin", "delete_project", Json.object());
        assertEquals(Verdict.Kind.INSUFFICIENT_SCOPE, destructive.kind());
        assertEquals(List.of("mcp:destructive", "projects:admin"), destructive.scopes(), "all the scopes the tool needs");
        assertTrue(verdict("projects:admin mcp:destructive", "delete_project", Json.object()).allowed());
    }

    @Test
    void aDenialNoScopeCanFixIsAToolError() {
        Verdict unmapped = verdict("tickets:read tickets:write projects:admin", "drop_database", Json.object());
        assertEquals(Verdict.Kind.DENY, unmapped.kind());
        assertFalse(unmapped.decision().reasons().isEmpty(), "reasons are kept for the audit trail");
    }

    @Test
    void anUnreachableDecisionServiceDenies() {
        var remote = new DataApiDecisionClient(HttpClient.newHttpClient(), URI.create("http://127.0.0.1:9"), "t", Duration.ofSeconds(2));
        Decision d = remote.decide(Json.object()).toCompletableFuture().join();
        assertFalse(d.allow());
        assertEquals(List.of("decision service unavailable"), d.reasons());
        assertEquals(Verdict.Kind.DENY, Verdict.of(d, token("tickets:read")).kind());
    }

    @Test
    void malformedOrUndefinedResultsDeny() throws Exception {
        assertFalse(Decision.fromResult(null, null, null).allow());
        assertFalse(Decision.fromResult(Json.parse("{\"allow\":\"true\"}"), null, null).allow());
        assertFalse(Decision.fromResult(Json.parse("[true]"), null, null).allow());
        assertTrue(Decision.fromResult(Json.parse("{\"allow\":true}"), "d", "r").allow());
    }
}
