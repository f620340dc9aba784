package dev.lanyard.loadtest.scenarios;

import com.nimbusds.jose.jwk.ECKey;
import dev.lanyard.loadtest.scenario.ClientAssertionSigner;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * What a guarded MCP server needs in Lanyard, created over the admin API as an operator would: an adapter token, a
 * resource authorization server, the MCP server(s) as resources with the ticket scopes, and agents connected to them
 * that obtain access tokens from the real token endpoint (client_credentials, private_key_jwt). Blocking HTTP: this is
 * set-up on the CLI's main thread, outside any measured window.
 */
final class LanyardFixtures {
    static final List<String> SCOPES = List.of("tickets:read", "tickets:write", "projects:admin", "mcp:destructive");

    /** An agent and the key it signs its client assertions with. */
    record Agent(String id, ECKey key) {}

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String adminToken;
    private final String suffix = UUID.randomUUID().toString().substring(0, 8);
    private int counter;
    final String serverId;
    final String issuer;

    LanyardFixtures(String base, String adminToken) throws IOException, InterruptedException {
        this.base = base;
        this.adminToken = adminToken;
        JsonObject as = post("/api/v1/authorization-servers", new JsonObject().put("name", "mcp-bench-" + suffix), 201);
        serverId = as.getString("id");
        issuer = as.getString("issuer");
    }

    /** A new admin token with role {@code adapter}: what the proxy authenticates to Lanyard with. */
    String adapterToken() throws IOException, InterruptedException {
        return post("/api/v1/admin-tokens", new JsonObject().put("name", "mcp-bench-adapter-" + suffix).put("role", "adapter"), 201)
                .getString("token");
    }

    String resource(String uri) throws IOException, InterruptedException {
        return post("/api/v1/authorization-servers/" + serverId + "/resources", new JsonObject().put("uri", uri)
                .put("name", "tickets " + (++counter)).put("scopes", new JsonArray(SCOPES)), 201).getString("id");
    }

    /** An ACTIVE autonomous agent with a fresh key, connected (client credentials, all scopes) to each resource. */
    Agent agent(List<String> resourceIds) throws IOException, InterruptedException {
        String n = suffix + "-" + (++counter);
        String owner = post("/api/v1/users", new JsonObject().put("login", "mcp-bench-" + n).put("email", "mcp-bench-" + n + "@example.com")
                .put("display_name", "MCP bench").put("password", "correct horse battery staple"), 201).getString("id");
        String agent = post("/api/v1/ai-agents", new JsonObject().put("name", "mcp-bench-agent-" + n).put("agent_type", "autonomous")
                .put("owners", new JsonArray().add(owner)).put("risk_level", "low").put("default_scopes", new JsonArray(SCOPES))
                .put("max_session_seconds", 3600), 201).getString("id");
        ECKey key = ClientAssertionSigner.newKey();
        post("/api/v1/ai-agents/" + agent + "/credentials/jwks", new JsonObject(key.toPublicJWK().toJSONObject()), 201);
        post("/api/v1/ai-agents/" + agent + "/lifecycle/activate", null, 200);
        for (String r : resourceIds) {
            post("/api/v1/ai-agents/" + agent + "/connections", new JsonObject().put("authorization_server_id", serverId)
                    .put("resource_id", r).put("connection_type", "client_credentials").put("scope_condition", "ALL_SCOPES")
                    .put("scopes", new JsonArray().add("*")), 201);
        }
        return new Agent(agent, key);
    }

    /** An access token from {@code POST /oauth2/{as}/v1/token}. */
    String token(Agent agent, String resource, String scope) throws IOException, InterruptedException {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "client_credentials");
        form.put("resource", resource);
        form.put("scope", scope);
        form.put("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
        form.put("client_assertion", new ClientAssertionSigner(agent.key(), agent.id(), issuer, Clock.systemUTC())
                .sign(UUID.randomUUID().toString()));
        String body = form.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/oauth2/" + serverId + "/v1/token"))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("token endpoint answered " + r.statusCode() + ": " + r.body());
        }
        return new JsonObject(r.body()).getString("access_token");
    }

    /** Deactivates an agent: the kill switch. */
    HttpRequest deactivation(String agentId) {
        return HttpRequest.newBuilder(URI.create(base + "/api/v1/ai-agents/" + agentId + "/lifecycle/deactivate"))
                .header("Authorization", "Bearer " + adminToken).POST(HttpRequest.BodyPublishers.noBody()).build();
    }

    JsonObject post(String path, JsonObject body, int expected) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + adminToken)
                .timeout(Duration.ofSeconds(30));
        if (body != null) {
            b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.encode()));
        } else {
            b.POST(HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != expected) {
            throw new IllegalStateException("POST " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body().isEmpty() ? new JsonObject() : new JsonObject(r.body());
    }
}
