package dev.lanyard.mcp.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.lanyard.mcp.killswitch.Revocation;
import dev.lanyard.mcp.sample.SampleMcpServer;
import dev.lanyard.mcp.support.Http;
import dev.lanyard.mcp.support.JavaMcpClient;
import dev.lanyard.mcp.support.LocalIssuer;
import dev.lanyard.mcp.support.TestGuard;
import io.modelcontextprotocol.client.transport.McpHttpClientTransportAuthorizationException;
import io.modelcontextprotocol.spec.McpSchema;
import io.vertx.core.Vertx;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proxy in front of a real MCP server (the SDK sample, sessions and stateless), driven by the official Java SDK
 * client and by raw HTTP where the SDK would hide what matters. Tokens are real ES256 JWTs from a local issuer whose
 * keys are fetched over HTTP; decisions come from the default policy compiled to WASM; audit records travel over HTTP.
 */
class ProxyTest {
    @TempDir
    static Path state;
    static TestGuard tg;
    static SampleMcpServer upstream;
    static Vertx vertx;
    static String base;
    static String statelessBase;
    static McpProxy proxy;

    @BeforeAll
    static void start() throws Exception {
        tg = new TestGuard(state, LocalIssuer.RESOURCE);
        upstream = SampleMcpServer.start(0);
        vertx = Vertx.vertx();
        proxy = new McpProxy(vertx, tg.guard, new McpProxy.Settings(URI.create(upstream.url()), "/mcp", 64 * 1024, Map.of(), 16));
        McpProxy stateless = new McpProxy(vertx, tg.guard, new McpProxy.Settings(URI.create(upstream.statelessUrl()), "/mcp", 64 * 1024, Map.of(), 16));
        int port = listen(proxy);
        base = "http://127.0.0.1:" + port;
        statelessBase = "http://127.0.0.1:" + listen(stateless);
    }

    static int listen(McpProxy p) throws Exception {
        return vertx.createHttpServer().requestHandler(p.router()).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).actualPort();
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        upstream.close();
        tg.close();
    }

    private static String token(String agent, String scope) {
        return tg.issuer.token(agent, scope);
    }

    /** The audit records of one agent, oldest first. */
    private static List<JsonNode> audited(String agent) throws InterruptedException {
        tg.awaitAudit();
        return tg.ingest.stored().stream().filter(r -> agent.equals(r.path("agent_id").asText())
                || agent.equals(r.path("token").path("sub").asText())).collect(Collectors.toList());
    }

    @Test
    void withoutATokenTheChallengeLeadsToTheAuthorizationServer() {
        Http.Resp r = Http.post(base + "/mcp", Http.mcpHeaders(null),
                "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"x\",\"version\":\"1\"}}}");
        assertEquals(401, r.status());
        String challenge = r.header("WWW-Authenticate");
        assertEquals("Bearer scope=\"tickets:read\", resource_metadata=\"https://tools.example.test/.well-known/oauth-protected-resource/mcp\"", challenge);
        // the metadata (served by the proxy at the path the challenge names) names our issuer
        Http.Resp prm = Http.get(base + "/.well-known/oauth-protected-resource/mcp", Map.of());
        assertEquals(200, prm.status());
        assertEquals(LocalIssuer.RESOURCE, prm.json().path("resource").asText());
        assertEquals(tg.issuer.issuer(), prm.json().path("authorization_servers").get(0).asText());
        // and the issuer's RFC 8414 metadata is where the client goes next
        Http.Resp as = Http.get(tg.issuer.issuer().replace("/oauth2/", "/.well-known/oauth-authorization-server/oauth2/"), Map.of());
        assertEquals(tg.issuer.issuer(), as.json().path("issuer").asText());
        // the SDK client fails the same way
        try (JavaMcpClient c = new JavaMcpClient(base, "/mcp", null)) {
            RuntimeException e = assertThrows(RuntimeException.class, c.client::initialize);
            assertTrue(authorizationStatus(e) == 401, e.toString());
        }
    }

    @Test
    void refusedTokens() {
        String body = Http.toolCall(1, "read_ticket", "{\"id\":\"T-1\"}");
        Http.Resp other = Http.post(base + "/mcp", Http.mcpHeaders(tg.issuer.sign(tg.issuer.claims("agt_aud", "tickets:read")
                .audience("https://other.example.test/mcp").build())), body);
        assertEquals(401, other.status());
        assertTrue(other.header("WWW-Authenticate").startsWith("Bearer error=\"invalid_token\", error_description=\"audience mismatch"), other.toString());
        Http.Resp expired = Http.post(base + "/mcp", Http.mcpHeaders(tg.issuer.sign(tg.issuer.claims("agt_exp", "tickets:read")
                .expirationTime(java.util.Date.from(Instant.now().minusSeconds(120))).build())), body);
        assertEquals(401, expired.status());
        assertTrue(expired.header("WWW-Authenticate").contains("token expired"));
        Map<String, String> basic = Http.mcpHeaders(null);
        basic.put("Authorization", "Basic dXNlcjpwYXNz");
        assertEquals(401, Http.post(base + "/mcp", basic, body).status());
        Map<String, String> twoWords = Http.mcpHeaders(null);
        twoWords.put("Authorization", "Bearer two words");
        Http.Resp malformed = Http.post(base + "/mcp", twoWords, body);
        assertEquals(400, malformed.status());
        assertTrue(malformed.header("WWW-Authenticate").contains("invalid_request"));
    }

    @Test
    void anAllowedCallReturnsItsResultAndIsAuditedWithoutArgumentValues() throws Exception {
        try (JavaMcpClient c = new JavaMcpClient(base, "/mcp", token("agt_ok", "tickets:read tickets:write"))) {
            c.client.initialize();
            List<String> tools = c.client.listTools().tools().stream().map(McpSchema.Tool::name).toList();
            assertEquals(List.of("create_ticket", "read_ticket", "delete_project"), tools, "the proxy does not filter tools/list");
            McpSchema.CallToolResult created = c.call("create_ticket", Map.of("title", "printer on fire", "priority", "high"));
            assertFalse(Boolean.TRUE.equals(created.isError()));
            String id = JavaMcpClient.text(created).replace("Created ticket ", "");
            McpSchema.CallToolResult read = c.call("read_ticket", Map.of("id", id));
            assertTrue(JavaMcpClient.text(read).contains("printer on fire"));
            McpSchema.CallToolResult missing = c.call("read_ticket", Map.of("id", "T-999999"));
            assertTrue(missing.isError(), "a tool error passes through as such");
        }
        List<JsonNode> records = audited("agt_ok");
        assertEquals(3, records.size(), records.toString());
        JsonNode create = records.get(0);
        assertEquals("create_ticket", create.path("tool").asText());
        assertEquals("tools/call", create.path("method").asText());
        assertEquals(LocalIssuer.RESOURCE, create.path("resource").asText());
        assertEquals("ok", create.path("outcome").path("class").asText());
        assertEquals(200, create.path("outcome").path("http_status").asInt());
        assertTrue(create.path("decision").path("allow").asBoolean());
        assertEquals(64, create.path("arguments_sha256").asText().length());
        assertFalse(create.toString().contains("printer on fire"), "argument values are never stored");
        assertEquals("tickets:read tickets:write", create.path("token").path("scope").asText());
        assertEquals("2025-11-25", create.path("protocol_version").asText());
        assertEquals("lanyard-java-test-client", create.path("client_info").path("name").asText());
        assertFalse(create.path("session_id").asText().isEmpty());
        assertTrue(create.path("latency_ms").asDouble() > 0);
        assertTrue(create.get("denial").isNull());
        assertEquals("tool_error", records.get(2).path("outcome").path("class").asText());
        assertFalse(records.toString().contains("eyJ"), "no token in the audit trail");
    }

    @Test
    void aMissingScopeIsA403StepUpAndOtherDenialsAreToolErrors() throws Exception {
        try (JavaMcpClient c = new JavaMcpClient(base, "/mcp", token("agt_narrow", "tickets:read"))) {
            c.client.initialize();
            RuntimeException e = assertThrows(RuntimeException.class, () -> c.call("create_ticket", Map.of("title", "x")));
            assertEquals(403, authorizationStatus(e), e.toString());
            // a tool no policy maps: refused with a tool error, the upstream never sees it
            McpSchema.CallToolResult denied = c.call("drop_database", Map.of());
            assertTrue(denied.isError());
            assertEquals("This tool call was denied by the authorization policy.", JavaMcpClient.text(denied));
        }
        Http.Resp r = Http.post(base + "/mcp", Http.mcpHeaders(token("agt_narrow", "tickets:read")),
                Http.toolCall(9, "delete_project", "{\"project\":\"p\"}"));
        assertEquals(403, r.status());
        assertEquals("Bearer error=\"insufficient_scope\", error_description=\"tool delete_project requires scope mcp:destructive projects:admin\", "
                + "scope=\"mcp:destructive projects:admin\", resource_metadata=\"https://tools.example.test/.well-known/oauth-protected-resource/mcp\"",
                r.header("WWW-Authenticate"));
        List<JsonNode> records = audited("agt_narrow");
        assertEquals(3, records.size(), records.toString());
        assertEquals("insufficient_scope", records.get(0).path("denial").asText());
        assertEquals("denied", records.get(0).path("outcome").path("class").asText());
        assertEquals(403, records.get(0).path("outcome").path("http_status").asInt());
        assertTrue(records.get(0).path("decision").path("reasons").get(0).asText().contains("tickets:write"), records.get(0).toString());
        assertEquals("tool_error", records.get(1).path("denial").asText());
        assertFalse(records.get(1).path("decision").path("allow").asBoolean());
        assertFalse(records.get(1).path("decision").path("reasons").get(0).asText().isEmpty(), "reasons are audited");
    }

    @Test
    void theKillSwitchRefusesTheNextCall() throws Exception {
        try (JavaMcpClient c = new JavaMcpClient(base, "/mcp", token("agt_kill", "tickets:read tickets:write"))) {
            c.client.initialize();
            assertFalse(Boolean.TRUE.equals(c.call("create_ticket", Map.of("title", "before")).isError()));
            tg.revocations.apply(new Revocation(1, "agent.deactivated", Instant.now().plusSeconds(1), "agt_kill", null, null, null, null, null));
            RuntimeException e = assertThrows(RuntimeException.class, () -> c.call("create_ticket", Map.of("title", "after")));
            assertEquals(401, authorizationStatus(e), e.toString());
        }
        List<JsonNode> records = audited("agt_kill");
        assertEquals(2, records.size(), records.toString());
        assertEquals("denied", records.get(1).path("outcome").path("class").asText());
        assertEquals(401, records.get(1).path("outcome").path("http_status").asInt());
        assertEquals("agent deactivated", records.get(1).path("decision").path("reasons").get(0).asText());
    }

    @Test
    void aSessionBelongsToThePrincipalThatOpenedIt() {
        Http.Resp init = Http.post(base + "/mcp", Http.mcpHeaders(token("agt_owner", "tickets:read")),
                "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"x\",\"version\":\"1\"}}}");
        assertEquals(200, init.status(), init.toString());
        String session = init.header("Mcp-Session-Id");
        assertTrue(session != null && !session.isEmpty());
        Map<String, String> thief = Http.mcpHeaders(token("agt_thief", "tickets:read"));
        thief.put("Mcp-Session-Id", session);
        thief.put("MCP-Protocol-Version", "2025-11-25");
        Http.Resp stolen = Http.post(base + "/mcp", thief, Http.toolCall(1, "read_ticket", "{\"id\":\"T-1\"}"));
        assertEquals(403, stolen.status());
        assertEquals(-32003, stolen.json().path("error").path("code").asInt());
        assertEquals(403, Http.send("DELETE", base + "/mcp", thief, null).status());
        Map<String, String> owner = Http.mcpHeaders(token("agt_owner", "tickets:read"));
        owner.put("Mcp-Session-Id", session);
        owner.put("MCP-Protocol-Version", "2025-11-25");
        Http.Resp mine = Http.post(base + "/mcp", owner, Http.toolCall(2, "read_ticket", "{\"id\":\"T-none\"}"));
        assertEquals(200, mine.status(), mine.toString());
        assertTrue(mine.header("Content-Type").startsWith("text/event-stream"), "the SSE answer streams through");
        assertTrue(Http.message(mine).path("result").path("isError").asBoolean());
    }

    @Test
    void theStatelessEraIsCheckedHeaderAgainstBody() throws Exception {
        String t = token("agt_2026", "tickets:read tickets:write");
        String body = "{\"jsonrpc\":\"2.0\",\"id\":\"c1\",\"method\":\"tools/call\",\"params\":{\"name\":\"create_ticket\","
                + "\"arguments\":{\"title\":\"stateless\"},\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
                + "\"io.modelcontextprotocol/clientInfo\":{\"name\":\"agent-2026\",\"version\":\"2.0\"},\"traceparent\":\"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\"}}}";
        Map<String, String> h = Http.mcpHeaders(t);
        h.put("MCP-Protocol-Version", "2026-07-28");
        h.put("Mcp-Method", "tools/call");
        h.put("Mcp-Name", "create_ticket");
        Http.Resp ok = Http.post(statelessBase + "/mcp", h, body);
        assertEquals(200, ok.status(), ok.toString());
        assertTrue(Http.message(ok).path("result").path("content").get(0).path("text").asText().startsWith("Created ticket"));
        h.put("Mcp-Name", "read_ticket");
        Http.Resp mismatch = Http.post(statelessBase + "/mcp", h, body);
        assertEquals(400, mismatch.status());
        assertEquals(-32020, mismatch.json().path("error").path("code").asInt());
        assertEquals("c1", mismatch.json().path("id").asText());
        h.remove("Mcp-Name");
        h.remove("Mcp-Method");
        assertEquals(-32020, Http.post(statelessBase + "/mcp", h, body).json().path("error").path("code").asInt());
        List<JsonNode> records = audited("agt_2026");
        assertEquals(3, records.size());
        assertEquals("2026-07-28", records.get(0).path("protocol_version").asText());
        assertEquals("agent-2026", records.get(0).path("client_info").path("name").asText());
        assertEquals("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", records.get(0).path("traceparent").asText());
        assertTrue(records.get(0).get("session_id").isNull());
        assertEquals("denied", records.get(1).path("outcome").path("class").asText());
        assertEquals(400, records.get(1).path("outcome").path("http_status").asInt());
    }

    @Test
    void badInputIsRefusedInJsonRpcTerms() {
        String t = token("agt_bad", "tickets:read");
        Http.Resp garbage = Http.post(base + "/mcp", Http.mcpHeaders(t), "{oops");
        assertEquals(400, garbage.status());
        assertEquals(-32700, garbage.json().path("error").path("code").asInt());
        assertTrue(garbage.json().path("id").isNull());
        Http.Resp batch = Http.post(base + "/mcp", Http.mcpHeaders(t), "[" + Http.toolCall(1, "read_ticket", "{}") + "]");
        assertEquals(400, batch.status());
        assertEquals(-32600, batch.json().path("error").path("code").asInt());
        Http.Resp noName = Http.post(base + "/mcp", Http.mcpHeaders(t), "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\",\"params\":{}}");
        assertEquals(-32602, noName.json().path("error").path("code").asInt());
        assertEquals(4, noName.json().path("id").asInt());
        Http.Resp huge = Http.post(base + "/mcp", Http.mcpHeaders(t), Http.toolCall(5, "create_ticket", "{\"title\":\"" + "x".repeat(70_000) + "\"}"));
        assertEquals(413, huge.status());
        assertEquals("application/json", huge.header("Content-Type"));
        assertEquals(405, Http.send("PUT", base + "/mcp", Http.mcpHeaders(t), "{}").status());
        // without a token, a bad body still gets the 401 first: nothing is revealed to the unauthenticated
        assertEquals(401, Http.post(base + "/mcp", Http.mcpHeaders(null), "{oops").status());
    }

    @Test
    void theClientsTokenNeverGoesUpstream() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        HttpServer echo = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        echo.createContext("/mcp", ex -> {
            seen.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")) + "|" + ex.getRequestHeaders().getFirst("X-Upstream-Key"));
            byte[] out = "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"content\":[],\"isError\":false}}".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, out.length);
            ex.getResponseBody().write(out);
            ex.close();
        });
        echo.start();
        try {
            McpProxy p = new McpProxy(vertx, tg.guard, new McpProxy.Settings(URI.create("http://127.0.0.1:" + echo.getAddress().getPort() + "/mcp"),
                    "/mcp", 65536, Map.of("X-Upstream-Key", "proxy-own-credential"), 4));
            String url = "http://127.0.0.1:" + listen(p) + "/mcp";
            Http.Resp r = Http.post(url, Http.mcpHeaders(token("agt_pass", "tickets:read")), Http.toolCall(1, "read_ticket", "{\"id\":\"T-1\"}"));
            assertEquals(200, r.status(), r.toString());
            assertEquals(List.of("null|proxy-own-credential"), seen);
        } finally {
            echo.stop(0);
        }
    }

    /**
     * A JSON answer the upstream sends in pieces reaches the client in one piece with its length; one beyond the
     * gathering bound (256 KiB) streams through chunked. Both arrive intact and are audited with their outcome.
     */
    @Test
    void jsonAnswersAreSentWholeWithTheirLengthAndLargeOnesStream() throws Exception {
        String small = "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"T-1\"}],\"isError\":false}}";
        String large = "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{\"content\":[{\"type\":\"text\",\"text\":\""
                + "y".repeat(600_000) + "\"}],\"isError\":false}}";
        HttpServer pieces = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        pieces.createContext("/mcp", ex -> {
            byte[] body = (new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8).contains("\"id\":2") ? large : small)
                    .getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, 0); // no length: chunked
            var out = ex.getResponseBody();
            for (int i = 0; i < body.length; i += 20) {
                out.write(body, i, Math.min(20, body.length - i));
                out.flush();
            }
            ex.close();
        });
        pieces.start();
        try {
            McpProxy p = new McpProxy(vertx, tg.guard, new McpProxy.Settings(URI.create("http://127.0.0.1:" + pieces.getAddress().getPort() + "/mcp"),
                    "/mcp", 65536, Map.of(), 4));
            String url = "http://127.0.0.1:" + listen(p) + "/mcp";
            Map<String, String> h = Http.mcpHeaders(token("agt_pieces", "tickets:read"));
            Http.Resp one = Http.post(url, h, Http.toolCall(1, "read_ticket", "{\"id\":\"T-1\"}"));
            assertEquals(200, one.status(), one.toString());
            assertEquals(small, one.body());
            assertEquals(String.valueOf(small.length()), one.header("Content-Length"));
            Http.Resp two = Http.post(url, h, Http.toolCall(2, "read_ticket", "{\"id\":\"T-2\"}"));
            assertEquals(200, two.status());
            assertEquals(large, two.body());
            assertEquals(null, two.header("Content-Length"), "streamed, chunked (the JDK client hides Transfer-Encoding)");
        } finally {
            pieces.stop(0);
        }
        List<JsonNode> records = audited("agt_pieces");
        assertEquals(2, records.size());
        assertEquals("ok", records.get(0).path("outcome").path("class").asText());
        assertEquals("ok", records.get(1).path("outcome").path("class").asText());
    }

    @Test
    void anUnreachableUpstreamIsA502AndStillAudited() throws Exception {
        McpProxy p = new McpProxy(vertx, tg.guard, new McpProxy.Settings(URI.create("http://127.0.0.1:9/mcp"), "/mcp", 65536, Map.of(), 4));
        String url = "http://127.0.0.1:" + listen(p) + "/mcp";
        Http.Resp r = Http.post(url, Http.mcpHeaders(token("agt_down", "tickets:read")), Http.toolCall(1, "read_ticket", "{\"id\":\"T-1\"}"));
        assertEquals(502, r.status());
        assertEquals(-32603, r.json().path("error").path("code").asInt());
        List<JsonNode> records = audited("agt_down");
        assertEquals(1, records.size());
        assertEquals("http_error", records.get(0).path("outcome").path("class").asText());
        assertEquals(502, records.get(0).path("outcome").path("http_status").asInt());
    }

    /** The HTTP status behind an SDK client failure caused by an authorization refusal. */
    static int authorizationStatus(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof McpHttpClientTransportAuthorizationException a) {
                return a.getResponseInfo().statusCode();
            }
        }
        throw new AssertionError("not an authorization failure", e);
    }
}
