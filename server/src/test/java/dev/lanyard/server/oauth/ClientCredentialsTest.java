package dev.lanyard.server.oauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.PlainHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.lanyard.server.Api;
import dev.lanyard.server.TestServer;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClientCredentialsTest {
    private static final String CC = "client_credentials";
    private final TestServer server = TestServer.shared();
    private final OAuthFixtures of = new OAuthFixtures(server);

    @Test
    void anAutonomousAgentGetsAnAccessTokenThatVerifiesIndependently() throws Exception {
        var agent = of.activeAgent("autonomous", null);
        var t = of.serverWithResource(agent.id(), CC, "INCLUDE_ONLY", List.of("tickets.read", "tickets.write"));
        Api.Resp r = of.clientCredentials(agent, t, "tickets.read");
        assertEquals(200, r.status(), r.toString());
        assertEquals("Bearer", r.body().path("token_type").asText());
        assertEquals("tickets.read", r.body().path("scope").asText());
        assertFalse(r.body().has("refresh_token"));
        assertEquals("no-store", r.header("Cache-Control"));

        // independent verification: Nimbus against the published JWKS of that server
        Api.Resp jwks = server.anonymous().get("/oauth2/" + t.serverId() + "/v1/keys");
        assertEquals(200, jwks.status());
        var processor = new DefaultJWTProcessor<SecurityContext>();
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(new JOSEObjectType("at+jwt")));
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.ES256, JWSAlgorithm.RS256),
                new ImmutableJWKSet<>(com.nimbusds.jose.jwk.JWKSet.parse(jwks.raw()))));
        JWTClaimsSet claims = processor.process(r.body().path("access_token").asText(), null);
        assertEquals(t.issuer(), claims.getIssuer());
        assertEquals(List.of(t.resource()), claims.getAudience());
        assertEquals(agent.id(), claims.getSubject());
        assertEquals(agent.id(), claims.getStringClaim("client_id"));
        assertEquals("tickets.read", claims.getStringClaim("scope"));
        assertEquals(agent.id(), claims.getStringClaim("agent_id"));
        assertTrue(claims.getStringClaim("sid").startsWith("ses_"));
        assertTrue(claims.getExpirationTime().after(new Date()));

        Api.Resp issued = server.admin().get("/api/v1/audit/events?type=oauth.token.issued&target=" + agent.id());
        assertEquals(1, issued.body().size());
        assertFalse(issued.raw().contains(r.body().path("access_token").asText()), "the token itself is never audited");
    }

    @Test
    void scopesAreNarrowedToTheConnectionAndRefusedWhenNothingIsLeft() {
        var agent = of.activeAgent("autonomous", null);
        var t = of.serverWithResource(agent.id(), CC, "EXCLUDE", List.of("projects.delete"));
        Api.Resp narrowed = of.clientCredentials(agent, t, "tickets.read projects.delete");
        assertEquals(200, narrowed.status(), narrowed.toString());
        assertEquals("tickets.read", narrowed.body().path("scope").asText());
        Api.Resp outside = of.clientCredentials(agent, t, "projects.delete");
        assertEquals(400, outside.status());
        assertEquals("invalid_scope", outside.body().path("error").asText());
        Api.Resp defaults = of.clientCredentials(agent, t, null);
        assertEquals(200, defaults.status(), defaults.toString());
        assertEquals("tickets.read", defaults.body().path("scope").asText(), "default scopes of the agent");
    }

    @Test
    void resourceNotGovernedOrNoConnectionIsInvalidTarget() {
        var agent = of.activeAgent("autonomous", null);
        var t = of.serverWithResource(agent.id(), CC, "ALL_SCOPES", List.of("*"));
        var other = of.serverWithResource(null, CC, "ALL_SCOPES", List.of("*"));
        Map<String, String> p = params(agent, t);
        p.put("resource", "https://elsewhere.example.com/mcp");
        Api.Resp r = of.post("/oauth2/" + t.serverId() + "/v1/token", p);
        assertEquals(400, r.status());
        assertEquals("invalid_target", r.body().path("error").asText());
        Api.Resp noConnection = of.clientCredentials(agent, other, "tickets.read");
        assertEquals("invalid_target", noConnection.body().path("error").asText(), noConnection.toString());
    }

    @Test
    void inactiveConnectionAgentOrKeyGetsNothing() {
        var agent = of.activeAgent("autonomous", null);
        var t = of.serverWithResource(agent.id(), CC, "ALL_SCOPES", List.of("*"));
        Api admin = server.admin();
        assertEquals(200, admin.post("/api/v1/ai-agents/" + agent.id() + "/connections/" + t.connectionId()
                + "/lifecycle/deactivate", null).status());
        Api.Resp r = of.clientCredentials(agent, t, "tickets.read");
        assertEquals(400, r.status(), r.toString());
        assertEquals("invalid_target", r.body().path("error").asText(), r.toString());
        assertEquals(200, admin.post("/api/v1/ai-agents/" + agent.id() + "/connections/" + t.connectionId()
                + "/lifecycle/activate", null).status());
        assertEquals(200, of.clientCredentials(agent, t, "tickets.read").status());

        assertEquals(200, admin.post("/api/v1/ai-agents/" + agent.id() + "/lifecycle/deactivate", null).status());
        Api.Resp inactive = of.clientCredentials(agent, t, "tickets.read");
        assertEquals(401, inactive.status());
        assertEquals("invalid_client", inactive.body().path("error").asText());
    }

    @Test
    void aDeactivatedAuthorizationServerIssuesNothingEvenWhileItsFirstCheckIsStale() throws Exception {
        var agent = of.activeAgent("autonomous", null);
        var t = of.serverWithResource(agent.id(), CC, "ALL_SCOPES", List.of("*"));
        assertEquals(200, of.clientCredentials(agent, t, "tickets.read").status());
        // behind the API's back: no audit event, so nothing tells the token endpoint's memory of the server
        try (var c = server.jdbc()) {
            c.createStatement().executeUpdate("UPDATE authorization_servers SET status = 'INACTIVE' WHERE id = '"
                    + t.serverId() + "'");
        }
        Api.Resp stale = of.clientCredentials(agent, t, "tickets.read");
        assertEquals(404, stale.status(), stale.toString());
        assertEquals("invalid_request", stale.body().path("error").asText());
        try (var c = server.jdbc()) {
            c.createStatement().executeUpdate("UPDATE authorization_servers SET status = 'ACTIVE' WHERE id = '"
                    + t.serverId() + "'");
        }
        assertEquals(200, of.clientCredentials(agent, t, "tickets.read").status());

        Api admin = server.admin();
        assertEquals(200, admin.post("/api/v1/authorization-servers/" + t.serverId() + "/lifecycle/deactivate", null)
                .status());
        Api.Resp inactive = of.clientCredentials(agent, t, "tickets.read");
        assertEquals(404, inactive.status(), inactive.toString());
        assertEquals(200, admin.post("/api/v1/authorization-servers/" + t.serverId() + "/lifecycle/activate", null)
                .status());
        dev.lanyard.server.Eventually.until(() -> of.clientCredentials(agent, t, "tickets.read").status(),
                status -> status == 200, "an activated server to issue again");
    }

    @Test
    void userDelegatedAgentsMayNotUseClientCredentials() {
        Api.Resp app = server.admin().post("/api/v1/apps", Api.map("name", dev.lanyard.server.Fixtures.unique("app"),
                "client_type", "public", "token_endpoint_auth_method", "none",
                "redirect_uris", List.of("http://127.0.0.1:9999/cb")));
        assertEquals(201, app.status(), app.toString());
        var agent = of.activeAgent("user_delegated", app.id());
        var t = of.serverWithResource(agent.id(), CC, "ALL_SCOPES", List.of("*"));
        Api.Resp r = of.clientCredentials(agent, t, "tickets.read");
        assertEquals("unauthorized_client", r.body().path("error").asText(), r.toString());
    }

    @Test
    void clientAssertionRefusals() throws Exception {
        var agent = of.activeAgent("autonomous", null);
        var t = of.serverWithResource(agent.id(), CC, "ALL_SCOPES", List.of("*"));
        String endpoint = "/oauth2/" + t.serverId() + "/v1/token";

        // replayed assertion
        Map<String, String> once = params(agent, t);
        assertEquals(200, of.post(endpoint, once).status());
        assertInvalidClient(of.post(endpoint, once), "replay");
        // refused as a replay ahead of what else is wrong, though the grant reads its facts during the claim
        Map<String, String> elsewhere = new java.util.HashMap<>(once);
        elsewhere.put("resource", "https://not-governed.example.com/mcp");
        assertInvalidClient(of.post(endpoint, elsewhere), "replay");
        Map<String, String> overScoped = new java.util.HashMap<>(once);
        overScoped.put("scope", "admin.everything");
        assertInvalidClient(of.post(endpoint, overScoped), "replay");

        // wrong audience, multi-valued audience, token endpoint URL accepted
        assertInvalidClient(withAssertion(agent, t, OAuthFixtures.assertionClaims(agent.id(), "https://other.example.com").build()), "aud");
        assertInvalidClient(withAssertion(agent, t, OAuthFixtures.assertionClaims(agent.id(), t.issuer())
                .audience(List.of(t.issuer(), t.issuer() + "/v1/token")).build()), "single value");
        assertEquals(200, withAssertion(agent, t, OAuthFixtures.assertionClaims(agent.id(), t.issuer() + "/v1/token").build()).status());

        // expired, too far ahead, missing jti, iat in the future, iss != sub
        Instant now = Instant.now();
        assertInvalidClient(withAssertion(agent, t, OAuthFixtures.assertionClaims(agent.id(), t.issuer())
                .expirationTime(Date.from(now.minusSeconds(300))).build()), "expired");
        assertInvalidClient(withAssertion(agent, t, OAuthFixtures.assertionClaims(agent.id(), t.issuer())
                .expirationTime(Date.from(now.plusSeconds(3600))).build()), "5 minutes");
        assertInvalidClient(withAssertion(agent, t, OAuthFixtures.assertionClaims(agent.id(), t.issuer())
                .jwtID(null).build()), "jti");
        assertInvalidClient(withAssertion(agent, t, OAuthFixtures.assertionClaims(agent.id(), t.issuer())
                .issueTime(Date.from(now.plusSeconds(600))).build()), "future");
        assertInvalidClient(withAssertion(agent, t, OAuthFixtures.assertionClaims(agent.id(), t.issuer())
                .subject("someone-else").build()), "iss and sub");

        // alg none
        String none = new PlainJWT(new PlainHeader(), OAuthFixtures.assertionClaims(agent.id(), t.issuer()).build()).serialize();
        assertInvalidClient(rawAssertion(t, none), "");
        // HS256 "signed" with the public key as the secret (alg confusion)
        SignedJWT hs = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), OAuthFixtures.assertionClaims(agent.id(), t.issuer()).build());
        hs.sign(new MACSigner(agent.key().toPublicJWK().toJSONString().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertInvalidClient(rawAssertion(t, hs.serialize()), "not allowed");
        // signed by a key the agent never registered
        assertInvalidClient(rawAssertion(t, OAuthFixtures.sign(dev.lanyard.server.Fixtures.ecKey(), null,
                OAuthFixtures.assertionClaims(agent.id(), t.issuer()).build())), "signature");
        // wrong typ: an access token is not a client assertion
        assertInvalidClient(rawAssertion(t, OAuthFixtures.sign(agent.key(), new JOSEObjectType("at+jwt"),
                OAuthFixtures.assertionClaims(agent.id(), t.issuer()).build())), "typ");
        // unknown client
        assertInvalidClient(rawAssertion(t, OAuthFixtures.sign(agent.key(), null,
                OAuthFixtures.assertionClaims("agt_00000000000000000000", t.issuer()).build())), "unknown client");
        // no client authentication at all
        Map<String, String> anonymous = new LinkedHashMap<>(Map.of("grant_type", CC, "resource", t.resource()));
        assertInvalidClient(of.post(endpoint, anonymous), "client authentication required");
    }

    @Test
    void deactivatedKeyNoLongerAuthenticates() {
        var agent = of.activeAgent("autonomous", null);
        var t = of.serverWithResource(agent.id(), CC, "ALL_SCOPES", List.of("*"));
        dev.lanyard.server.Fixtures fx = new dev.lanyard.server.Fixtures(server.admin());
        fx.addKey(agent.id());
        assertEquals(200, server.admin().post("/api/v1/ai-agents/" + agent.id() + "/credentials/jwks/" + agent.keyId()
                + "/lifecycle/deactivate", null).status());
        assertInvalidClient(of.clientCredentials(agent, t, "tickets.read"), "signature");
    }

    /**
     * The token endpoint keeps an agent's keys between requests, and another instance's change reaches it by
     * notification, a moment later. Changes made straight in the database send none, so the kept keys stay stale:
     * the grant's own read must still refuse.
     */
    @Test
    void keptKeysNeverOutliveTheLiveStateOfTheAgentOrItsKey() throws Exception {
        var agent = of.activeAgent("autonomous", null);
        var t = of.serverWithResource(agent.id(), CC, "ALL_SCOPES", List.of("*"));
        assertEquals(200, of.clientCredentials(agent, t, "tickets.read").status(), "the keys are now kept");
        sql("UPDATE agent_keys SET status = 'INACTIVE' WHERE id = ?", agent.keyId());
        assertInvalidClient(of.clientCredentials(agent, t, "tickets.read"), "key that signed the client assertion is not active");
        sql("UPDATE agent_keys SET status = 'ACTIVE' WHERE id = ?", agent.keyId());
        assertEquals(200, of.clientCredentials(agent, t, "tickets.read").status());
        sql("UPDATE agents SET status = 'INACTIVE' WHERE id = ?", agent.id());
        assertInvalidClient(of.clientCredentials(agent, t, "tickets.read"), "the agent is not active");
        sql("UPDATE agents SET status = 'ACTIVE' WHERE id = ?", agent.id());
        assertEquals(200, of.clientCredentials(agent, t, "tickets.read").status());
    }

    /** A key added since the keys were kept (here without a notification) authenticates at once, with or without kid. */
    @Test
    void aKeyAddedAfterTheKeysWereKeptAuthenticatesAtOnce() throws Exception {
        var agent = of.activeAgent("autonomous", null);
        var t = of.serverWithResource(agent.id(), CC, "ALL_SCOPES", List.of("*"));
        assertEquals(200, of.clientCredentials(agent, t, "tickets.read").status());
        com.nimbusds.jose.jwk.ECKey added = new com.nimbusds.jose.jwk.gen.ECKeyGenerator(
                com.nimbusds.jose.jwk.Curve.P_256).keyID("added-later").generate();
        String keyId = "key_" + "k".repeat(20);
        try (var c = server.jdbc(); var st = c.prepareStatement("INSERT INTO agent_keys (id, agent_id, kid, kty, alg, jwk, "
                + "status, created, updated) VALUES (?, ?, ?, 'EC', 'ES256', ?, 'ACTIVE', now(), now())")) {
            st.setString(1, keyId);
            st.setString(2, agent.id());
            st.setString(3, added.getKeyID());
            st.setString(4, added.toPublicJWK().toJSONString());
            assertEquals(1, st.executeUpdate());
        }
        var withKid = new OAuthFixtures.AgentWithKey(agent.id(), keyId, added, agent.ownerId());
        assertEquals(200, of.clientCredentials(withKid, t, "tickets.read").status(), "by kid");
        Map<String, String> p = params(agent, t);
        SignedJWT noKid = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).build(),
                OAuthFixtures.assertionClaims(agent.id(), t.issuer()).build());
        noKid.sign(new com.nimbusds.jose.crypto.ECDSASigner(added));
        p.put("client_assertion", noKid.serialize());
        Api.Resp r = of.post("/oauth2/" + t.serverId() + "/v1/token", p);
        assertEquals(200, r.status(), "without kid: " + r);
    }

    private void sql(String statement, String id) throws Exception {
        try (var c = server.jdbc(); var st = c.prepareStatement(statement)) {
            st.setString(1, id);
            assertEquals(1, st.executeUpdate());
        }
    }

    @Test
    void malformedAndDuplicatedParameters() {
        var agent = of.activeAgent("autonomous", null);
        var t = of.serverWithResource(agent.id(), CC, "ALL_SCOPES", List.of("*"));
        String endpoint = "/oauth2/" + t.serverId() + "/v1/token";
        String good = OAuthFixtures.form(params(agent, t));
        Api.Resp dup = of.post(endpoint, good + "&scope=tickets.read&scope=tickets.write");
        assertEquals(400, dup.status());
        assertEquals("invalid_request", dup.body().path("error").asText());
        assertTrue(dup.body().path("error_description").asText().contains("repeated"));
        Api.Resp json = server.anonymous().send("POST", endpoint, "{\"grant_type\":\"client_credentials\"}",
                Map.of("Content-Type", "application/json"));
        assertEquals("invalid_request", json.body().path("error").asText());
        assertEquals("unsupported_grant_type", of.post(endpoint, Map.of("grant_type", "password")).body().path("error").asText());
        assertEquals("invalid_request", of.post(endpoint, Map.of("scope", "x")).body().path("error").asText());
        Map<String, String> extra = params(agent, t);
        extra.put("username", "alice");
        assertEquals("invalid_request", of.post(endpoint, extra).body().path("error").asText());
        Api.Resp unknownServer = of.post("/oauth2/aus_00000000000000000000/v1/token", params(agent, t));
        assertEquals(404, unknownServer.status());
        Api.Resp badScope = of.clientCredentials(agent, t, "tickets.read  tickets.write");
        assertEquals("invalid_request", badScope.body().path("error").asText());
        assertTrue(server.admin().get("/api/v1/audit/events?type=oauth.token.refused&limit=1000").body().size() >= 5,
                "refusals are audited");
        // a body beyond the form limit is refused in OAuth's error format, and the endpoint keeps working
        Api.Resp huge = of.post(endpoint, good + "&pad=" + "x".repeat(TokenForm.MAX_BYTES));
        assertEquals(413, huge.status(), huge.toString());
        assertEquals("invalid_request", huge.body().path("error").asText(), huge.toString());
        Api.Resp introspectHuge = of.post("/oauth2/v1/introspect", "token=" + "x".repeat(TokenForm.MAX_BYTES));
        assertEquals(413, introspectHuge.status(), introspectHuge.toString());
        assertEquals(200, of.post(endpoint, params(agent, t)).status(), "the next request is served");
    }

    private Map<String, String> params(OAuthFixtures.AgentWithKey agent, OAuthFixtures.Target t) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("grant_type", CC);
        p.put("resource", t.resource());
        p.put("scope", "tickets.read");
        p.put("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
        p.put("client_assertion", OAuthFixtures.assertion(agent, t.issuer()));
        return p;
    }

    private Api.Resp withAssertion(OAuthFixtures.AgentWithKey agent, OAuthFixtures.Target t, JWTClaimsSet claims) {
        return rawAssertion(t, OAuthFixtures.sign(agent.key(), null, claims));
    }

    private Api.Resp rawAssertion(OAuthFixtures.Target t, String assertion) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("grant_type", CC);
        p.put("resource", t.resource());
        p.put("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
        p.put("client_assertion", assertion);
        return of.post("/oauth2/" + t.serverId() + "/v1/token", p);
    }

    private static void assertInvalidClient(Api.Resp r, String descriptionPart) {
        assertEquals(401, r.status(), r.toString());
        assertEquals("invalid_client", r.body().path("error").asText(), r.toString());
        assertTrue(r.body().path("error_description").asText().contains(descriptionPart), r.toString());
    }
}
