package dev.lanyard.server.oauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.lanyard.server.Api;
import dev.lanyard.server.Fixtures;
import dev.lanyard.server.SseClient;
import dev.lanyard.server.TestServer;
import dev.lanyard.server.oidc.SignIn;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Cross App Access end to end over HTTP: a directory user signs in through the real login form (code + PKCE), the
 * agent exchanges the ID token for an ID-JAG, redeems it at a resource authorization server, and gets an access
 * token; every token verifies with Nimbus against the published JWKS; then the kill switch.
 */
class CrossAppAccessTest {
    private final TestServer server = TestServer.shared();
    private final OAuthFixtures of = new OAuthFixtures(server);
    private final Api admin = server.admin();

    record World(String user, String login, SignIn.App app, OAuthFixtures.AgentWithKey agent, OAuthFixtures.Target target) {}

    static World world(TestServer server, OAuthFixtures of, String condition, List<String> scopes) {
        Api admin = server.admin();
        String user = of.fx.user();
        String login = admin.get("/api/v1/users/" + user).body().path("login").asText();
        Api.Resp app = admin.post("/api/v1/apps", Api.map("name", Fixtures.unique("app"), "client_type", "confidential",
                "token_endpoint_auth_method", "client_secret_basic", "redirect_uris", List.of(SignIn.REDIRECT)));
        assertEquals(201, app.status(), app.toString());
        var agent = of.activeAgent("user_delegated", app.id());
        var target = of.serverWithResource(agent.id(), "identity_assertion", condition, scopes);
        return new World(user, login, new SignIn.App(app.id(), app.body().path("client_secret").asText()), agent, target);
    }

    static String idToken(TestServer server, World w) throws Exception {
        SignIn signIn = new SignIn(server);
        String verifier = SignIn.verifier();
        Map<String, String> back = signIn.code(SignIn.request(w.app().id(), verifier), w.login());
        HttpResponse<String> token = signIn.redeem(w.app(), back.get("code"), SignIn.REDIRECT, verifier);
        assertEquals(200, token.statusCode(), token.body());
        return Api.JSON.readTree(token.body()).path("id_token").asText();
    }

    static Map<String, String> exchange(World w, String baseUrl, String subjectToken, String scope) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange");
        p.put("requested_token_type", "urn:ietf:params:oauth:token-type:id-jag");
        p.put("subject_token", subjectToken);
        p.put("subject_token_type", "urn:ietf:params:oauth:token-type:id_token");
        p.put("audience", w.target().issuer());
        p.put("resource", w.target().resource());
        if (scope != null) {
            p.put("scope", scope);
        }
        p.put("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
        p.put("client_assertion", OAuthFixtures.assertion(w.agent(), baseUrl));
        return p;
    }

    static Map<String, String> redeem(World w, String idJag) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer");
        p.put("assertion", idJag);
        p.put("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
        p.put("client_assertion", OAuthFixtures.assertion(w.agent(), w.target().issuer()));
        return p;
    }

    static JWTClaimsSet verify(String token, String typ, String jwksJson) throws Exception {
        DefaultJWTProcessor<SecurityContext> p = new DefaultJWTProcessor<>();
        p.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(new JOSEObjectType(typ)));
        p.setJWSKeySelector(new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.ES256, JWSAlgorithm.RS256),
                new ImmutableJWKSet<>(JWKSet.parse(jwksJson))));
        return p.process(token, null);
    }

    @Test
    void signInExchangeRedeemAndTheKillSwitch() throws Exception {
        World w = world(server, of, "INCLUDE_ONLY", List.of("tickets.read", "tickets.write"));
        String idToken = idToken(server, w);
        JWTClaimsSet id = verify(idToken, "JWT", server.anonymous().get("/oauth2/v1/keys").raw());
        assertEquals(w.user(), id.getSubject());
        assertEquals(List.of(w.app().id()), id.getAudience());

        // 1. token exchange at the org server → ID-JAG, scopes narrowed by the connection
        Api.Resp jag = of.post("/oauth2/v1/token", exchange(w, server.baseUrl(), idToken, "tickets.read projects.delete"));
        assertEquals(200, jag.status(), jag.toString());
        assertEquals("urn:ietf:params:oauth:token-type:id-jag", jag.body().path("issued_token_type").asText());
        assertEquals("N_A", jag.body().path("token_type").asText());
        assertEquals("tickets.read", jag.body().path("scope").asText());
        assertTrue(jag.body().path("expires_in").asInt() <= 300);
        assertFalse(jag.body().has("refresh_token"));
        String idJag = jag.body().path("access_token").asText();
        JWTClaimsSet g = verify(idJag, "oauth-id-jag+jwt", server.anonymous().get("/oauth2/v1/keys").raw());
        assertEquals(server.baseUrl(), g.getIssuer());
        assertEquals(List.of(w.target().issuer()), g.getAudience());
        assertEquals(w.user(), g.getSubject());
        assertEquals(w.agent().id(), g.getStringClaim("client_id"));
        assertEquals(w.target().resource(), g.getStringClaim("resource"));
        assertEquals("tickets.read", g.getStringClaim("scope"));
        assertTrue(g.getJWTID() != null && g.getExpirationTime().getTime() - g.getIssueTime().getTime() <= 300_000);

        // 2. JWT bearer at the resource authorization server → access token for the resource
        String tokenEndpoint = "/oauth2/" + w.target().serverId() + "/v1/token";
        Api.Resp at = of.post(tokenEndpoint, redeem(w, idJag));
        assertEquals(200, at.status(), at.toString());
        assertEquals("Bearer", at.body().path("token_type").asText());
        assertFalse(at.body().has("refresh_token"), "no refresh token from an ID-JAG");
        String accessToken = at.body().path("access_token").asText();
        JWTClaimsSet a = verify(accessToken, "at+jwt",
                server.anonymous().get("/oauth2/" + w.target().serverId() + "/v1/keys").raw());
        assertEquals(w.target().issuer(), a.getIssuer());
        assertEquals(List.of(w.target().resource()), a.getAudience());
        assertEquals(w.user(), a.getSubject());
        assertEquals(w.agent().id(), a.getStringClaim("client_id"));
        assertEquals(w.agent().id(), a.getStringClaim("agent_id"));
        assertEquals(w.agent().id(), ((Map<?, ?>) a.getClaim("act")).get("sub"));
        assertEquals("tickets.read", a.getStringClaim("scope"));
        assertTrue(a.getStringClaim("sid").startsWith("ses_"));

        // 3. the same ID-JAG again: single use
        Api.Resp replay = of.post(tokenEndpoint, redeem(w, idJag));
        assertEquals(400, replay.status());
        assertEquals("invalid_grant", replay.body().path("error").asText());

        // 4. introspection says active; the kill switch makes it inactive at once and tells subscribers
        String introspect = "/oauth2/" + w.target().serverId() + "/v1/introspect";
        Map<String, String> ask = new LinkedHashMap<>(Map.of("token", accessToken));
        Api.Resp before = server.admin().send("POST", introspect, OAuthFixtures.form(ask),
                Map.of("Content-Type", "application/x-www-form-urlencoded"));
        assertTrue(before.body().path("active").asBoolean(), before.toString());
        assertEquals(w.user(), before.body().path("sub").asText());
        assertEquals("tickets.read", before.body().path("scope").asText());
        try (SseClient feed = new SseClient(server.baseUrl() + "/api/v1/revocations/stream", TestServer.ADMIN_TOKEN, Map.of())) {
            assertEquals(200, feed.status());
            assertEquals(200, admin.post("/api/v1/ai-agents/" + w.agent().id() + "/lifecycle/deactivate", null).status());
            Api.Resp after = server.admin().send("POST", introspect, OAuthFixtures.form(ask),
                    Map.of("Content-Type", "application/x-www-form-urlencoded"));
            assertEquals("{\"active\":false}", after.raw());
            SseClient.Frame event = feed.await(f -> w.agent().id().equals(f.data().path("agent_id").asText()));
            assertEquals("agent.deactivated", event.data().path("type").asText());
            assertEquals("revocation", event.event());
        }
    }

    @Test
    void suspendingTheUserOrRevokingTheTokenEndsItToo() throws Exception {
        World w = world(server, of, "ALL_SCOPES", List.of("*"));
        String tokenEndpoint = "/oauth2/" + w.target().serverId() + "/v1/token";
        String introspect = "/oauth2/" + w.target().serverId() + "/v1/introspect";
        String revoke = "/oauth2/" + w.target().serverId() + "/v1/revoke";
        String first = accessToken(w, tokenEndpoint);
        String second = accessToken(w, tokenEndpoint);

        // revocation by the agent itself (private_key_jwt), then introspection by the agent
        Map<String, String> r = new LinkedHashMap<>();
        r.put("token", first);
        r.put("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
        r.put("client_assertion", OAuthFixtures.assertion(w.agent(), w.target().issuer()));
        assertEquals(200, of.post(revoke, r).status());
        assertFalse(introspectAsAgent(w, introspect, first).path("active").asBoolean());
        assertTrue(introspectAsAgent(w, introspect, second).path("active").asBoolean());
        Api.Resp revoked = admin.get("/api/v1/audit/events?type=oauth.token.revoked&target=" + w.agent().id());
        assertEquals(1, revoked.body().size());

        assertEquals(200, admin.post("/api/v1/users/" + w.user() + "/lifecycle/suspend", null).status());
        assertFalse(introspectAsAgent(w, introspect, second).path("active").asBoolean());
        // garbage and foreign tokens are simply inactive; revoking garbage is still 200
        assertFalse(introspectAsAgent(w, introspect, "not-a-token").path("active").asBoolean());
        r.put("token", "not-a-token");
        r.put("client_assertion", OAuthFixtures.assertion(w.agent(), w.target().issuer()));
        assertEquals(200, of.post(revoke, r).status());
        // an unauthenticated caller can't introspect
        Api.Resp anonymous = of.post(introspect, Map.of("token", second));
        assertEquals(401, anonymous.status());
    }

    private String accessToken(World w, String tokenEndpoint) throws Exception {
        Api.Resp jag = of.post("/oauth2/v1/token", exchange(w, server.baseUrl(), idToken(server, w), null));
        assertEquals(200, jag.status(), jag.toString());
        Api.Resp at = of.post(tokenEndpoint, redeem(w, jag.body().path("access_token").asText()));
        assertEquals(200, at.status(), at.toString());
        return at.body().path("access_token").asText();
    }

    private JsonNode introspectAsAgent(World w, String path, String token) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("token", token);
        p.put("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
        p.put("client_assertion", OAuthFixtures.assertion(w.agent(), w.target().issuer()));
        Api.Resp r = of.post(path, p);
        assertEquals(200, r.status(), r.toString());
        return r.body();
    }
}
