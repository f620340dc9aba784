package dev.lanyard.mcp.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.lanyard.server.Api;
import dev.lanyard.server.Fixtures;
import dev.lanyard.server.TestServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The real Lanyard server (embedded PostgreSQL, real HTTP) set up as an operator would for one guarded MCP server: an
 * adapter token, a resource authorization server, the MCP server as a resource with the ticket scopes, and agents that
 * get their access tokens from the real token endpoint (client_credentials, private_key_jwt).
 */
final class LanyardWorld {
    static final List<String> SCOPES = List.of("tickets:read", "tickets:write", "projects:admin", "mcp:destructive");

    final TestServer server;
    final Api admin;
    final String adapterToken;
    final Path adapterTokenFile;
    final String serverId;
    final String issuer;

    record Agent(String id, ECKey key, String connectionId) {}

    LanyardWorld(TestServer server) throws Exception {
        this.server = server;
        this.admin = server.admin();
        Api.Resp t = admin.post("/api/v1/admin-tokens", Api.map("name", Fixtures.unique("mcp-adapter"), "role", "adapter"));
        assertEquals(201, t.status(), t.toString());
        adapterToken = t.body().path("token").asText();
        adapterTokenFile = Files.createTempFile("adapter-token", ".txt");
        // it holds a live credential: gone when the test JVM ends
        adapterTokenFile.toFile().deleteOnExit();
        Files.writeString(adapterTokenFile, adapterToken);
        Api.Resp s = admin.post("/api/v1/authorization-servers", Api.map("name", Fixtures.unique("tools-as")));
        assertEquals(201, s.status(), s.toString());
        serverId = s.id();
        issuer = s.body().path("issuer").asText();
    }

    String base() {
        return server.baseUrl();
    }

    /** Registers {@code uri} as a resource of the authorization server; returns its id. */
    String resource(String uri) {
        Api.Resp r = admin.post("/api/v1/authorization-servers/" + serverId + "/resources",
                Api.map("uri", uri, "name", "tickets MCP server", "scopes", SCOPES));
        assertEquals(201, r.status(), r.toString());
        return r.id();
    }

    /** An ACTIVE autonomous agent holding an EC key, connected (client credentials, all scopes) to {@code resourceId}. */
    Agent agent(String resourceId) {
        Fixtures fx = new Fixtures(admin);
        String owner = fx.user();
        Api.Resp a = admin.post("/api/v1/ai-agents", Api.map("name", Fixtures.unique("agent"), "agent_type", "autonomous",
                "owners", List.of(owner), "risk_level", "low", "default_scopes", SCOPES, "max_session_seconds", 3600));
        assertEquals(201, a.status(), a.toString());
        ECKey key = Fixtures.ecKey();
        Api.Resp k = admin.post("/api/v1/ai-agents/" + a.id() + "/credentials/jwks", key.toPublicJWK().toJSONObject());
        assertEquals(201, k.status(), k.toString());
        assertEquals(200, admin.post("/api/v1/ai-agents/" + a.id() + "/lifecycle/activate", null).status());
        Api.Resp c = admin.post("/api/v1/ai-agents/" + a.id() + "/connections", Api.map("authorization_server_id", serverId,
                "resource_id", resourceId, "connection_type", "client_credentials", "scope_condition", "ALL_SCOPES",
                "scopes", List.of("*")));
        assertEquals(201, c.status(), c.toString());
        return new Agent(a.id(), key, c.id());
    }

    /** An access token from the real token endpoint: client_credentials with private_key_jwt and a resource indicator. */
    String token(Agent agent, String resource, String scope) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "client_credentials");
        form.put("resource", resource);
        form.put("scope", scope);
        form.put("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
        form.put("client_assertion", assertion(agent));
        String body = form.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        Api.Resp r = server.anonymous().send("POST", "/oauth2/" + serverId + "/v1/token", body,
                Map.of("Content-Type", "application/x-www-form-urlencoded"));
        assertEquals(200, r.status(), r.toString());
        return r.body().path("access_token").asText();
    }

    private String assertion(Agent agent) {
        Instant now = Instant.now();
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(agent.key().getKeyID()).build(),
                    new JWTClaimsSet.Builder().issuer(agent.id()).subject(agent.id()).audience(issuer)
                            .jwtID(UUID.randomUUID().toString()).issueTime(Date.from(now))
                            .expirationTime(Date.from(now.plusSeconds(60))).build());
            jwt.sign(new ECDSASigner(agent.key()));
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The agent's {@code mcp.tool_call} audit events (their details are the adapter's records), oldest first. */
    List<JsonNode> toolCalls(String agentId) {
        Api.Resp r = admin.get("/api/v1/audit/events?type=mcp.tool_call&target=" + agentId + "&limit=200");
        assertEquals(200, r.status(), r.toString());
        List<JsonNode> out = new ArrayList<>();
        r.body().forEach(e -> out.add(e.path("details")));
        return out;
    }

    /** Waits (bounded) until the agent has {@code n} tool-call events in the trail. */
    List<JsonNode> awaitToolCalls(String agentId, int n) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        List<JsonNode> calls = toolCalls(agentId);
        while (calls.size() < n && System.nanoTime() < deadline) {
            Thread.sleep(50);
            calls = toolCalls(agentId);
        }
        return calls;
    }

    /** Waits (bounded) for a tool-call event of the agent matching {@code test}. */
    JsonNode awaitToolCall(String agentId, java.util.function.Predicate<JsonNode> test) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            for (JsonNode c : toolCalls(agentId)) {
                if (test.test(c)) {
                    return c;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no matching tool-call event of " + agentId + " within 30 s: " + toolCalls(agentId));
    }
}
