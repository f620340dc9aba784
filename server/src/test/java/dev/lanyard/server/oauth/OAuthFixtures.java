package dev.lanyard.server.oauth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.nimbusds.jose.JOSEObjectType;
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
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/** Builds the OAuth world a grant needs — agent with a key we hold, server, resource, connection — over the API. */
public final class OAuthFixtures {
    public final TestServer server;
    public final Api api;
    public final Fixtures fx;

    public OAuthFixtures(TestServer server) {
        this.server = server;
        this.api = server.admin();
        this.fx = new Fixtures(api);
    }

    /** An agent and the private key it signs with. */
    public record AgentWithKey(String id, String keyId, ECKey key, String ownerId) {}

    public record Target(String serverId, String issuer, String resource, String connectionId) {}

    public AgentWithKey activeAgent(String type, String linkedApp) {
        String owner = fx.user();
        Map<String, Object> body = new LinkedHashMap<>(Api.map("name", Fixtures.unique("agent"), "agent_type", type,
                "owners", List.of(owner), "risk_level", "low", "default_scopes", List.of("tickets.read"),
                "max_session_seconds", 3600));
        if (linkedApp != null) {
            body.put("linked_app_id", linkedApp);
        }
        Api.Resp agent = api.post("/api/v1/ai-agents", body);
        assertEquals(201, agent.status(), agent.toString());
        ECKey key = Fixtures.ecKey();
        Api.Resp k = api.post("/api/v1/ai-agents/" + agent.id() + "/credentials/jwks", key.toPublicJWK().toJSONObject());
        assertEquals(201, k.status(), k.toString());
        Api.Resp on = api.post("/api/v1/ai-agents/" + agent.id() + "/lifecycle/activate", null);
        assertEquals(200, on.status(), on.toString());
        return new AgentWithKey(agent.id(), k.id(), key, owner);
    }

    /** A resource server governing one resource with scopes tickets.read/tickets.write/projects.delete. */
    public Target serverWithResource(String agentId, String connectionType, String condition, List<String> scopes) {
        return serverWithResource(agentId, connectionType, condition, scopes, List.of("internal"));
    }

    /** The same, with the resource carrying {@code tags} (the default policy asks approval for "production-write"). */
    public Target serverWithResource(String agentId, String connectionType, String condition, List<String> scopes,
                              List<String> tags) {
        Api.Resp s = api.post("/api/v1/authorization-servers", Api.map("name", Fixtures.unique("as")));
        assertEquals(201, s.status(), s.toString());
        String resource = "https://tools.example.com/" + UUID.randomUUID() + "/mcp";
        Api.Resp r = api.post("/api/v1/authorization-servers/" + s.id() + "/resources", Api.map("uri", resource,
                "name", "tools", "scopes", List.of("tickets.read", "tickets.write", "projects.delete"),
                "tags", tags));
        assertEquals(201, r.status(), r.toString());
        String connection = null;
        if (agentId != null) {
            Api.Resp c = api.post("/api/v1/ai-agents/" + agentId + "/connections", Api.map(
                    "authorization_server_id", s.id(), "resource_id", r.id(), "connection_type", connectionType,
                    "scope_condition", condition, "scopes", scopes));
            assertEquals(201, c.status(), c.toString());
            connection = c.id();
        }
        return new Target(s.id(), s.body().path("issuer").asText(), resource, connection);
    }

    public static String sign(ECKey key, JOSEObjectType typ, JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).type(typ).keyID(key.getKeyID()).build(), claims);
            jwt.sign(new ECDSASigner(key));
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A fresh, valid client assertion of {@code agent} for the audience {@code aud}. */
    public static String assertion(AgentWithKey agent, String aud) {
        return sign(agent.key(), null, assertionClaims(agent.id(), aud).build());
    }

    public static JWTClaimsSet.Builder assertionClaims(String clientId, String aud) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().issuer(clientId).subject(clientId).audience(aud)
                .jwtID(UUID.randomUUID().toString()).issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(60)));
    }

    public static String form(Map<String, String> params) {
        return params.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    }

    public Api.Resp post(String path, String form) {
        return server.anonymous().send("POST", path, form, Map.of("Content-Type", "application/x-www-form-urlencoded"));
    }

    public Api.Resp post(String path, Map<String, String> params) {
        return post(path, form(params));
    }

    public Api.Resp clientCredentials(AgentWithKey agent, Target t, String scope) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("grant_type", "client_credentials");
        p.put("resource", t.resource());
        if (scope != null) {
            p.put("scope", scope);
        }
        p.put("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
        p.put("client_assertion", assertion(agent, t.issuer()));
        return post("/oauth2/" + t.serverId() + "/v1/token", p);
    }
}
