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
}
