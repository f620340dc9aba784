package dev.lanyard.mcp.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanyard.mcp.killswitch.Revocation;
import dev.lanyard.mcp.sample.SampleMcpServer;
import dev.lanyard.mcp.support.Http;
import dev.lanyard.mcp.support.JavaMcpClient;
import dev.lanyard.mcp.support.LocalIssuer;
import dev.lanyard.mcp.support.TestGuard;
import io.modelcontextprotocol.client.transport.McpHttpClientTransportAuthorizationException;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Library mode: the sample server built on the Java MCP SDK with {@link McpAuthFilter}, {@link GuardContext#extractor()},
 * {@link GuardedTools} and {@link PolicyToolFilter}, driven by the official Java SDK client.
 */
class GuardedServerTest {
    @TempDir
    static Path state;
    static TestGuard tg;
    static SampleMcpServer server;
    static String base;

    @BeforeAll
    static void start() throws Exception {
        tg = new TestGuard(state, LocalIssuer.RESOURCE);
        server = SampleMcpServer.startGuarded("127.0.0.1", 0, tg.guard);
        base = "http://127.0.0.1:" + server.port();
    }

    @AfterAll
    static void stop() {
        server.close();
        tg.close();
    }

    private static String token(String agent, String scope) {
        return tg.issuer.token(agent, scope);
    }

    private static List<JsonNode> audited(String agent) throws InterruptedException {
        tg.awaitAudit();
        return tg.ingest.stored().stream().filter(r -> agent.equals(r.path("token").path("sub").asText()))
                .collect(Collectors.toList());
    }

    static int status(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof McpHttpClientTransportAuthorizationException a) {
                return a.getResponseInfo().statusCode();
            }
        }
        throw new AssertionError("not an authorization failure", e);
    }

    @Test
    void unauthenticatedRequestsGetTheChallengeAndTheMetadataIsServed() {
        Http.Resp r = Http.post(base + "/mcp", Http.mcpHeaders(null), Http.toolCall(1, "read_ticket", "{\"id\":\"T-1\"}"));
        assertEquals(401, r.status());
        assertTrue(r.header("WWW-Authenticate").contains("resource_metadata=\"https://tools.example.test/.well-known/oauth-protected-resource/mcp\""));
        Http.Resp prm = Http.get(base + "/.well-known/oauth-protected-resource/mcp", Map.of());
        assertEquals(200, prm.status());
        assertEquals(tg.issuer.issuer(), prm.json().path("authorization_servers").get(0).asText());
        assertEquals(200, Http.get(base + "/.well-known/oauth-protected-resource", Map.of()).status());
        Http.Resp wrongAudience = Http.post(base + "/mcp", Http.mcpHeaders(tg.issuer.sign(tg.issuer.claims("agt_x", "tickets:read")
                .audience("https://elsewhere.example.test/mcp").build())), Http.toolCall(1, "read_ticket", "{}"));
        assertEquals(401, wrongAudience.status());
        assertTrue(wrongAudience.header("WWW-Authenticate").contains("invalid_token"));
        try (JavaMcpClient c = new JavaMcpClient(base, "/mcp", null)) {
            assertEquals(401, status(assertThrows(RuntimeException.class, c.client::initialize)));
        }
    }

    @Test
    void callsAreAllowedRefusedAndAuditedOnce() throws Exception {
        try (JavaMcpClient c = new JavaMcpClient(base, "/mcp", token("agt_lib", "tickets:read tickets:write"))) {
            c.client.initialize();
            McpSchema.CallToolResult created = c.call("create_ticket", Map.of("title", "library mode"));
            assertFalse(Boolean.TRUE.equals(created.isError()), created.toString());
            String id = JavaMcpClient.text(created).replace("Created ticket ", "");
            assertTrue(JavaMcpClient.text(c.call("read_ticket", Map.of("id", id))).contains("library mode"));
            // policy refusals: a missing scope is a 403 challenge (step-up); an unmapped tool a tool error
            RuntimeException e = assertThrows(RuntimeException.class, () -> c.call("delete_project", Map.of("project", "p")));
            assertEquals(403, status(e));
            McpSchema.CallToolResult denied = c.call("drop_database", Map.of());
            assertTrue(denied.isError());
            assertEquals("This tool call was denied by the authorization policy.", JavaMcpClient.text(denied));
            // step-up: with the scopes named in the challenge, the same call goes through
            c.token.set(token("agt_lib", "tickets:read tickets:write projects:admin mcp:destructive"));
            assertEquals("Deleted project p", JavaMcpClient.text(c.call("delete_project", Map.of("project", "p"))));
        }
        List<JsonNode> records = audited("agt_lib");
        assertEquals(List.of("create_ticket:ok", "read_ticket:ok", "delete_project:denied", "drop_database:denied", "delete_project:ok"),
                records.stream().map(r -> r.path("tool").asText() + ":" + r.path("outcome").path("class").asText()).toList());
        assertEquals("insufficient_scope", records.get(2).path("denial").asText());
        assertEquals("tool_error", records.get(3).path("denial").asText());
        assertEquals("lanyard-java-test-client", records.get(0).path("client_info").path("name").asText());
        assertEquals("2025-11-25", records.get(0).path("protocol_version").asText());
        assertFalse(records.toString().contains("library mode"), "arguments are hashed, not stored");
    }

    @Test
    void toolsListHidesWhatThePolicyWouldRefuse() {
        try (JavaMcpClient c = new JavaMcpClient(base, "/mcp", token("agt_list", "tickets:read"))) {
            c.client.initialize();
            assertEquals(List.of("read_ticket"), c.client.listTools().tools().stream().map(McpSchema.Tool::name).toList());
        }
        try (JavaMcpClient c = new JavaMcpClient(base, "/mcp", token("agt_list", "tickets:read tickets:write projects:admin mcp:destructive"))) {
            c.client.initialize();
            assertEquals(List.of("create_ticket", "read_ticket", "delete_project"),
                    c.client.listTools().tools().stream().map(McpSchema.Tool::name).toList());
        }
    }

    @Test
    void killSwitchAndSessionBinding() throws Exception {
        try (JavaMcpClient c = new JavaMcpClient(base, "/mcp", token("agt_libkill", "tickets:read"))) {
            c.client.initialize();
            assertTrue(c.call("read_ticket", Map.of("id", "T-0")).isError(), "no such ticket, but allowed");
            tg.revocations.apply(new Revocation(7, "agent.deactivated", Instant.now().plusSeconds(1), "agt_libkill", null, null, null, null, null));
            assertEquals(401, status(assertThrows(RuntimeException.class, () -> c.call("read_ticket", Map.of("id", "T-0")))));
        }
        List<JsonNode> records = audited("agt_libkill");
        assertEquals(2, records.size());
        assertEquals("agent deactivated", records.get(1).path("decision").path("reasons").get(0).asText());

        Http.Resp init = Http.post(base + "/mcp", Http.mcpHeaders(token("agt_a", "tickets:read")),
                "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"x\",\"version\":\"1\"}}}");
        assertEquals(200, init.status());
        Map<String, String> other = Http.mcpHeaders(token("agt_b", "tickets:read"));
        other.put("Mcp-Session-Id", init.header("Mcp-Session-Id"));
        Http.Resp stolen = Http.post(base + "/mcp", other, Http.toolCall(3, "read_ticket", "{\"id\":\"T-1\"}"));
        assertEquals(403, stolen.status());
        assertEquals(-32003, stolen.json().path("error").path("code").asInt());
    }

    @Test
    void theStatelessEndpointIsGuardedToo() {
        Map<String, String> h = Http.mcpHeaders(token("agt_sl", "tickets:read"));
        h.put("Mcp-Method", "tools/call");
        h.put("Mcp-Name", "create_ticket");
        Http.Resp mismatch = Http.post(base + "/mcp-stateless", h, Http.toolCall(1, "read_ticket", "{\"id\":\"T-1\"}"));
        assertEquals(400, mismatch.status());
        assertEquals(-32020, mismatch.json().path("error").path("code").asInt());
        h.put("Mcp-Name", "read_ticket");
        Http.Resp ok = Http.post(base + "/mcp-stateless", h, Http.toolCall(2, "read_ticket", "{\"id\":\"T-1\"}"));
        assertEquals(200, ok.status(), ok.toString());
        assertEquals(2, Http.message(ok).path("id").asInt());
    }
}
