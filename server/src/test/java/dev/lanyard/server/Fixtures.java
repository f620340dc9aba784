package dev.lanyard.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Creates directory objects through the API, with unique names so tests sharing a server never collide. */
public final class Fixtures {
    private final Api api;

    public Fixtures(Api api) {
        this.api = api;
    }

    public static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    public String user() {
        String login = unique("user");
        Api.Resp r = api.post("/api/v1/users", Api.map("login", login, "email", login + "@example.com",
                "display_name", "Test " + login, "password", "correct horse battery staple"));
        assertEquals(201, r.status(), r.toString());
        return r.id();
    }

    public Api.Resp agent(String type, String... owners) {
        return api.post("/api/v1/ai-agents", Api.map("name", unique("agent"), "description", "test agent",
                "agent_type", type, "owners", List.of(owners), "risk_level", "low",
                "default_scopes", List.of("tickets.read"), "max_session_seconds", 3600, "tags", List.of("test")));
    }

    public String agentId(String type, String... owners) {
        Api.Resp r = agent(type, owners);
        assertEquals(201, r.status(), r.toString());
        return r.id();
    }

    public static ECKey ecKey() {
        try {
            return new ECKeyGenerator(Curve.P_256).generate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static RSAKey rsaKey(int bits) {
        try {
            return new RSAKeyGenerator(bits, true).generate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Adds a fresh EC public key to the agent and returns the key's id. */
    public String addKey(String agentId) {
        Map<String, Object> jwk = ecKey().toPublicJWK().toJSONObject();
        jwk.remove("kid");
        Api.Resp r = api.post("/api/v1/ai-agents/" + agentId + "/credentials/jwks", jwk);
        assertEquals(201, r.status(), r.toString());
        return r.id();
    }

    /** An ACTIVE autonomous agent with one owner and one key. */
    public String activeAgent() {
        String owner = user();
        String agent = agentId("autonomous", owner);
        addKey(agent);
        Api.Resp r = api.post("/api/v1/ai-agents/" + agent + "/lifecycle/activate", null);
        assertEquals(200, r.status(), r.toString());
        return agent;
    }

    /** The types of the audit events about {@code target}, oldest first (up to 1000). */
    public List<String> auditTypes(String target) {
        Api.Resp r = api.get("/api/v1/audit/events?target=" + target + "&limit=1000");
        assertEquals(200, r.status(), r.toString());
        List<String> types = new java.util.ArrayList<>();
        r.body().forEach(e -> types.add(e.path("type").asText()));
        return types;
    }

    /** The audit events about {@code target}, oldest first (up to 1000). */
    public List<com.fasterxml.jackson.databind.JsonNode> auditEvents(String target) {
        Api.Resp r = api.get("/api/v1/audit/events?target=" + target + "&limit=1000");
        assertEquals(200, r.status(), r.toString());
        List<com.fasterxml.jackson.databind.JsonNode> events = new java.util.ArrayList<>();
        r.body().forEach(events::add);
        return events;
    }
    /** A confidential client_secret_basic sign-on app; returns the 201 answer (which holds the client secret). */
    public Api.Resp app() {
        Api.Resp r = api.post("/api/v1/apps", Api.map("name", unique("app"), "client_type", "confidential",
                "token_endpoint_auth_method", "client_secret_basic", "redirect_uris", List.of("https://app.example.com/callback")));
        assertEquals(201, r.status(), r.toString());
        return r;
    }

    public String appId() {
        return app().id();
    }

    /** An ACTIVE resource authorization server; returns its id. */
    public String authServer() {
        Api.Resp r = api.post("/api/v1/authorization-servers", Api.map("name", unique("aus")));
        assertEquals(201, r.status(), r.toString());
        return r.id();
    }

    /** A resource of {@code serverId} at a unique https URI, defining {@code scopes}; returns its id. */
    public String resource(String serverId, String... scopes) {
        Api.Resp r = api.post("/api/v1/authorization-servers/" + serverId + "/resources", Api.map(
                "uri", "https://" + unique("mcp") + ".example.com/mcp", "name", "MCP server", "scopes", List.of(scopes)));
        assertEquals(201, r.status(), r.toString());
        return r.id();
    }

    /** A connection of {@code agentId}; {@code resourceId} may be null. Returns the answer (201 or a refusal). */
    public Api.Resp connection(String agentId, String serverId, String resourceId, String type, String condition,
                               List<String> scopes) {
        Map<String, Object> body = Api.map("authorization_server_id", serverId, "connection_type", type,
                "scope_condition", condition, "scopes", scopes);
        if (resourceId != null) {
            body.put("resource_id", resourceId);
        }
        return api.post("/api/v1/ai-agents/" + agentId + "/connections", body);
    }
}
