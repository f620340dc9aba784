package dev.lanyard.mcp.e2e;

import dev.lanyard.server.TestDirs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanyard.mcp.guard.AdapterConfig;
import dev.lanyard.mcp.guard.McpGuard;
import dev.lanyard.mcp.proxy.ProxyCommand;
import dev.lanyard.mcp.sample.SampleMcpServer;
import dev.lanyard.mcp.support.Http;
import dev.lanyard.mcp.support.JavaMcpClient;
import dev.lanyard.mcp.support.TypeScriptClient;
import dev.lanyard.server.Api;
import dev.lanyard.server.TestServer;
import io.modelcontextprotocol.client.transport.McpHttpClientTransportAuthorizationException;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Everything real: the Lanyard server on embedded PostgreSQL issues the tokens (client_credentials, private_key_jwt),
 * decides every tool call through its Data API, ingests the audit records and feeds the kill switch; the adapter runs
 * as the proxy (in front of the SDK sample server) and as the library (inside it); the clients are the official Java
 * and TypeScript MCP SDKs.
 */
class LanyardEndToEndTest {
    static TestServer lanyard;
    static LanyardWorld world;
    static SampleMcpServer upstream;
    static ProxyCommand.Running proxy;
    static String proxyUrl;
    static String proxyResourceId;
    static SampleMcpServer library;
    static String libraryUrl;
    static String libraryResourceId;

    @BeforeAll
    static void start() throws Exception {
        TypeScriptClient.install();
        lanyard = TestServer.start(TestDirs.create("lanyard-e2e-"), TestServer.freePort());
        world = new LanyardWorld(lanyard);
        upstream = SampleMcpServer.start(0);
        int p = TestServer.freePort();
        proxyUrl = "http://127.0.0.1:" + p + "/mcp";
        proxyResourceId = world.resource(proxyUrl);
        proxy = proxy(p, proxyUrl, world, upstream.url(), TestDirs.create("proxy-state"), "30s", null);

        int q = TestServer.freePort();
        libraryUrl = "http://127.0.0.1:" + q + "/mcp";
        libraryResourceId = world.resource(libraryUrl);
        AdapterConfig config = AdapterConfig.builder(libraryUrl, world.issuer).scopesSupported(List.of("tickets:read"))
                .lanyard(URI.create(world.base()), world.adapterToken).stateDir(TestDirs.create("library-state")).build();
        library = SampleMcpServer.startGuarded("127.0.0.1", q, McpGuard.start(config, Runnable::run,
                java.util.concurrent.Executors.newFixedThreadPool(2)));
    }

    /** The proxy as its command line starts it. */
    static ProxyCommand.Running proxy(int port, String resource, LanyardWorld w, String upstreamUrl, Path state,
                                      String staleness, String policy) throws Exception {
        ProxyCommand cmd = new ProxyCommand();
        List<String> args = new java.util.ArrayList<>(List.of("--upstream", upstreamUrl, "--resource", resource,
                "--issuer", w.issuer, "--listen", "127.0.0.1:" + port, "--lanyard", w.base(),
                "--adapter-token-file", w.adapterTokenFile.toString(), "--state-dir", state.toString(),
                "--scopes", "tickets:read", "--revocation-max-staleness", staleness, "--event-loops", "2"));
        if (policy != null) {
            args.addAll(List.of("--policy", policy));
        }
        new CommandLine(cmd).parseArgs(args.toArray(new String[0]));
        return cmd.start();
    }

    @AfterAll
    static void stop() {
        proxy.close();
        library.close();
        upstream.close();
        lanyard.close();
    }

    static int status(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof McpHttpClientTransportAuthorizationException a) {
                return a.getResponseInfo().statusCode();
            }
        }
        throw new AssertionError("not an authorization failure", e);
    }

    /** Repeats {@code call} until it is refused with an HTTP status (bounded); returns that status. */
    static int untilRefused(Supplier<McpSchema.CallToolResult> call) throws InterruptedException {
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (System.nanoTime() < deadline) {
            try {
                call.get();
            } catch (RuntimeException e) {
                return status(e);
            }
            Thread.sleep(20);
        }
        throw new AssertionError("still allowed after 15 s");
    }

    @Test
    void theChallengeLeadsToLanyardsAuthorizationServer() throws Exception {
        JsonNode r = TypeScriptClient.run("discover", proxyUrl);
        assertEquals(401, r.path("status").asInt());
        assertEquals(world.issuer, r.path("authorizationServers").get(0).asText());
        assertEquals(world.issuer, r.path("issuer").asText());
        assertEquals(world.issuer + "/v1/token", r.path("tokenEndpoint").asText());
        JsonNode lib = TypeScriptClient.run("discover", libraryUrl);
        assertEquals(world.issuer, lib.path("issuer").asText());
    }

    @Test
    void realTokensDataApiDecisionsAndTheAuditTrail() throws Exception {
        LanyardWorld.Agent a = world.agent(proxyResourceId);
        try (JavaMcpClient c = new JavaMcpClient(proxyUrl.replace("/mcp", ""), "/mcp", world.token(a, proxyUrl, "tickets:read tickets:write"))) {
            c.client.initialize();
            assertTrue(JavaMcpClient.text(c.call("create_ticket", Map.of("title", "real stack"))).startsWith("Created ticket"));
            assertEquals(403, status(org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class,
                    () -> c.call("delete_project", Map.of("project", "p")))));
            assertTrue(c.call("drop_database", Map.of()).isError());
        }
        // a token Lanyard issued for another resource is not accepted here
        String otherUri = "https://" + dev.lanyard.server.Fixtures.unique("other") + ".example.com/mcp";
        LanyardWorld.Agent other = world.agent(world.resource(otherUri));
        String elsewhere = world.token(other, otherUri, "tickets:read");
        Http.Resp wrong = Http.post(proxyUrl, Http.mcpHeaders(elsewhere), Http.toolCall(1, "read_ticket", "{\"id\":\"T-1\"}"));
        assertEquals(401, wrong.status());
        assertTrue(wrong.header("WWW-Authenticate").contains("audience mismatch"), wrong.toString());

        List<JsonNode> calls = world.awaitToolCalls(a.id(), 3);
        assertEquals(List.of("create_ticket:ok", "delete_project:denied", "drop_database:denied"),
                calls.stream().map(r -> r.path("tool").asText() + ":" + r.path("outcome").path("class").asText()).toList());
        for (JsonNode r : calls) {
            assertNotNull(r.path("decision").path("decision_id").textValue(), "decided by the server's Data API: " + r);
            assertEquals(a.id(), r.path("agent_id").asText());
            assertEquals(proxyUrl, r.path("resource").asText());
        }
        assertEquals("insufficient_scope", calls.get(1).path("denial").asText());
        assertEquals("tool_error", calls.get(2).path("denial").asText());
        assertFalse(calls.toString().contains("real stack"));
    }

    @Test
    void theTypeScriptClientGetsItsTokenFromLanyardAndStepsUp() throws Exception {
        LanyardWorld.Agent b = world.agent(proxyResourceId);
        String credentials = dev.lanyard.mcp.http.Json.write(Map.of("clientId", b.id(), "jwk", b.key().toJSONObject(),
                "scope", "tickets:read", "issuer", world.issuer));
        JsonNode r = TypeScriptClient.run("oauth", proxyUrl, credentials,
                "[{\"tool\":\"read_ticket\",\"args\":{\"id\":\"T-1\"}},{\"tool\":\"create_ticket\",\"args\":{\"title\":\"after step-up\"}}]");
        assertTrue(r.path("connected").asBoolean(), r.toString());
        assertFalse(r.path("steps").get(1).has("error"), r.toString());
        assertTrue(r.path("steps").get(1).path("text").asText().startsWith("Created ticket"), r.toString());
        assertTrue(r.path("finalScope").asText().contains("tickets:write"), "re-authorized with the scope the 403 named: " + r);
        List<JsonNode> calls = world.awaitToolCalls(b.id(), 3);
        assertEquals(List.of("read_ticket", "create_ticket:insufficient_scope", "create_ticket:null"),
                calls.stream().map(c -> c.path("tool").asText() + (c.path("tool").asText().equals("read_ticket") ? "" : ":" + c.path("denial").asText())).toList());
    }

    @Test
    void deactivatingTheAgentOrRevokingTheTokenCutsItOff() throws Exception {
        LanyardWorld.Agent k = world.agent(proxyResourceId);
        try (JavaMcpClient c = new JavaMcpClient(proxyUrl.replace("/mcp", ""), "/mcp", world.token(k, proxyUrl, "tickets:read"))) {
            c.client.initialize();
            assertTrue(c.call("read_ticket", Map.of("id", "T-0")).isError(), "allowed (no such ticket)");
            assertEquals(200, world.admin.post("/api/v1/ai-agents/" + k.id() + "/lifecycle/deactivate", null).status());
            assertEquals(401, untilRefused(() -> c.call("read_ticket", Map.of("id", "T-0"))));
        }
        // every call is audited: the allowed ones before the feed delivered the deactivation, then the refusal
        JsonNode refusal = world.awaitToolCall(k.id(), c -> "denied".equals(c.path("outcome").path("class").asText()));
        assertEquals("agent deactivated", refusal.path("decision").path("reasons").get(0).asText());
        assertEquals(401, refusal.path("outcome").path("http_status").asInt());

        LanyardWorld.Agent r = world.agent(proxyResourceId);
        String token = world.token(r, proxyUrl, "tickets:read");
        try (JavaMcpClient c = new JavaMcpClient(proxyUrl.replace("/mcp", ""), "/mcp", token)) {
            c.client.initialize();
            c.call("read_ticket", Map.of("id", "T-0"));
            Api.Resp revoked = lanyard.admin().send("POST", "/oauth2/" + world.serverId + "/v1/revoke", "token=" + token,
                    Map.of("Content-Type", "application/x-www-form-urlencoded"));
            assertEquals(200, revoked.status(), revoked.toString());
            assertEquals(401, untilRefused(() -> c.call("read_ticket", Map.of("id", "T-0"))));
            // the agent itself is fine: a new token works
            c.token.set(world.token(r, proxyUrl, "tickets:read"));
            assertTrue(c.call("read_ticket", Map.of("id", "T-0")).isError());
        }
    }

    @Test
    void theLibraryModeServerIsAuditedByLanyardToo() throws Exception {
        LanyardWorld.Agent l = world.agent(libraryResourceId);
        try (JavaMcpClient c = new JavaMcpClient(libraryUrl.replace("/mcp", ""), "/mcp", world.token(l, libraryUrl, "tickets:read tickets:write"))) {
            c.client.initialize();
            assertEquals(List.of("create_ticket", "read_ticket"), c.client.listTools().tools().stream().map(McpSchema.Tool::name).toList());
            assertTrue(JavaMcpClient.text(c.call("create_ticket", Map.of("title", "library"))).startsWith("Created ticket"));
        }
        List<JsonNode> calls = world.awaitToolCalls(l.id(), 1);
        assertEquals("ok", calls.get(0).path("outcome").path("class").asText());
        assertEquals(libraryUrl, calls.get(0).path("resource").asText());
    }
}
