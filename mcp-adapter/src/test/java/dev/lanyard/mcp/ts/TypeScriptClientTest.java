package dev.lanyard.mcp.ts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanyard.mcp.proxy.McpProxy;
import dev.lanyard.mcp.sample.SampleMcpServer;
import dev.lanyard.mcp.support.TestGuard;
import dev.lanyard.mcp.support.TypeScriptClient;
import io.vertx.core.Vertx;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The official TypeScript MCP client ({@code @modelcontextprotocol/sdk}, installed by {@code npm ci}) against both
 * shells of the adapter: the proxy in front of the SDK sample server, and the sample server guarded in library mode.
 * The resource URIs are the real local URLs, so the client's own discovery code follows the challenge for real.
 */
class TypeScriptClientTest {
    @TempDir
    static Path state;
    static Vertx vertx;
    static SampleMcpServer upstream;
    static SampleMcpServer guarded;
    static final List<Target> targets = new ArrayList<>();

    record Target(String name, String url, TestGuard guard, boolean filtersToolsList) {
        @Override
        public String toString() {
            return name;
        }
    }

    @BeforeAll
    static void start() throws Exception {
        TypeScriptClient.install();
        vertx = Vertx.vertx();
        upstream = SampleMcpServer.start(0);
        int p = freePort();
        String proxyUrl = "http://127.0.0.1:" + p + "/mcp";
        TestGuard proxyGuard = new TestGuard(state.resolve("proxy"), proxyUrl);
        McpProxy proxy = new McpProxy(vertx, proxyGuard.guard, new McpProxy.Settings(URI.create(upstream.url()), "/mcp", 1 << 20, Map.of(), 8));
        vertx.createHttpServer().requestHandler(proxy.router()).listen(p, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        targets.add(new Target("proxy", proxyUrl, proxyGuard, false));

        int q = freePort();
        String libraryUrl = "http://127.0.0.1:" + q + "/mcp";
        TestGuard libraryGuard = new TestGuard(state.resolve("library"), libraryUrl);
        guarded = SampleMcpServer.startGuarded("127.0.0.1", q, libraryGuard.guard);
        targets.add(new Target("library", libraryUrl, libraryGuard, true));
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        upstream.close();
        guarded.close();
        targets.forEach(t -> t.guard().close());
    }

    static Stream<Arguments> targets() {
        return targets.stream().map(Arguments::of);
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("targets")
    void theChallengeLeadsTheClientToTheAuthorizationServer(Target t) throws Exception {
        JsonNode r = TypeScriptClient.run("discover", t.url());
        assertEquals(401, r.path("status").asInt());
        assertEquals(t.url().replace("/mcp", "/.well-known/oauth-protected-resource/mcp"), r.path("resourceMetadataUrl").asText());
        assertEquals("tickets:read", r.path("scope").asText());
        assertEquals(t.url(), r.path("resource").asText());
        assertEquals(t.guard().issuer.issuer(), r.path("authorizationServers").get(0).asText());
        assertEquals(t.guard().issuer.issuer(), r.path("issuer").asText(), "RFC 8414 metadata found and checked by the SDK");
        assertEquals(401, r.path("connectError").path("code").asInt(), r.toString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("targets")
    void allowedCallsSucceedRefusedOnesAreRefusedAndAllAreAudited(Target t) throws Exception {
        String agent = "agt_ts_" + t.name();
        String token = t.guard().issuer.sign(t.guard().issuer.claims(agent, "tickets:read tickets:write")
                .audience(t.url()).build());
        String steps = "[{\"tool\":\"create_ticket\",\"args\":{\"title\":\"from TypeScript\"}},"
                + "{\"tool\":\"read_ticket\",\"args\":{\"id\":\"T-404\"}},"
                + "{\"tool\":\"delete_project\",\"args\":{\"project\":\"p\"}},"
                + "{\"tool\":\"drop_database\",\"args\":{}}]";
        JsonNode r = TypeScriptClient.run("calls", t.url(), token, steps);
        assertTrue(r.path("connected").asBoolean(), r.toString());
        assertFalse(r.path("sessionId").asText().isEmpty(), "2025-11-25 session through the " + t.name());
        List<String> tools = new ArrayList<>();
        r.path("tools").forEach(n -> tools.add(n.asText()));
        assertEquals(t.filtersToolsList() ? List.of("create_ticket", "read_ticket") : List.of("create_ticket", "read_ticket", "delete_project"), tools);
        JsonNode s = r.path("steps");
        assertFalse(s.get(0).path("isError").asBoolean(), s.toString());
        assertTrue(s.get(0).path("text").asText().startsWith("Created ticket"));
        assertTrue(s.get(1).path("isError").asBoolean(), "the tool's own error");
        assertEquals(403, s.get(2).path("error").path("code").asInt(), s.get(2).toString());
        assertTrue(s.get(3).path("isError").asBoolean());
        assertEquals("This tool call was denied by the authorization policy.", s.get(3).path("text").asText());

        t.guard().awaitAudit();
        List<String> outcomes = t.guard().ingest.stored().stream().filter(n -> agent.equals(n.path("agent_id").asText()))
                .map(n -> n.path("tool").asText() + ":" + n.path("outcome").path("class").asText() + ":" + n.path("denial").asText())
                .toList();
        assertEquals(List.of("create_ticket:ok:null", "read_ticket:tool_error:null", "delete_project:denied:insufficient_scope",
                "drop_database:denied:tool_error"), outcomes);
        JsonNode first = t.guard().ingest.stored().stream().filter(n -> agent.equals(n.path("agent_id").asText())).findFirst().orElseThrow();
        assertEquals("lanyard-ts-test-client", first.path("client_info").path("name").asText());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("targets")
    void tokensForAnotherResourceExpiredOrForgedAreRefused(Target t) throws Exception {
        var issuer = t.guard().issuer;
        List<String> refused = List.of(
                issuer.sign(issuer.claims("agt_ts_other", "tickets:read").audience("http://127.0.0.1:1/mcp").build()),
                issuer.sign(issuer.claims("agt_ts_old", "tickets:read").audience(t.url())
                        .expirationTime(java.util.Date.from(java.time.Instant.now().minusSeconds(600))).build()),
                dev.lanyard.mcp.support.LocalIssuer.sign(dev.lanyard.mcp.support.LocalIssuer.newKey(),
                        new com.nimbusds.jose.JOSEObjectType("at+jwt"), issuer.claims("agt_ts_forged", "tickets:read").audience(t.url()).build()));
        for (String token : refused) {
            JsonNode r = TypeScriptClient.run("calls", t.url(), token, "[]");
            assertFalse(r.path("connected").asBoolean(), r.toString());
            assertEquals(401, r.path("connectError").path("code").asInt(), r.toString());
        }
    }
}
