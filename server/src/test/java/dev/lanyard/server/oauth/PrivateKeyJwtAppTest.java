package dev.lanyard.server.oauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.ECKey;
import dev.lanyard.server.Api;
import dev.lanyard.server.Fixtures;
import dev.lanyard.server.TestServer;
import dev.lanyard.server.oidc.SignIn;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A confidential sign-on app that authenticates with private_key_jwt redeems its authorization code. */
class PrivateKeyJwtAppTest {
    private final TestServer server = TestServer.shared();
    private final OAuthFixtures of = new OAuthFixtures(server);
    private final Api admin = server.admin();

    private record App(String id, ECKey key) {}

    private App app() {
        ECKey key = Fixtures.ecKey();
        Api.Resp app = admin.post("/api/v1/apps", Api.map("name", Fixtures.unique("pkj"), "client_type", "confidential",
                "token_endpoint_auth_method", "private_key_jwt", "redirect_uris", List.of(SignIn.REDIRECT),
                "jwks", Map.of("keys", List.of(key.toPublicJWK().toJSONObject()))));
        assertEquals(201, app.status(), app.toString());
        return new App(app.id(), key);
    }

    private Map<String, String> redeem(App app, ECKey signWith, String login) {
        String verifier = SignIn.verifier();
        Map<String, String> back = new SignIn(server).code(SignIn.request(app.id(), verifier), login);
        Map<String, String> p = new LinkedHashMap<>();
        p.put("grant_type", "authorization_code");
        p.put("code", back.get("code"));
        p.put("redirect_uri", SignIn.REDIRECT);
        p.put("code_verifier", verifier);
        p.put("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
        p.put("client_assertion", OAuthFixtures.sign(signWith, null,
                OAuthFixtures.assertionClaims(app.id(), server.baseUrl()).build()));
        return p;
    }

    private String login() {
        return admin.get("/api/v1/users/" + of.fx.user()).body().path("login").asText();
    }

    @Test
    void theAppRedeemsItsCodeWithASignedAssertion() {
        App app = app();
        Api.Resp r = of.post("/oauth2/v1/token", redeem(app, app.key(), login()));
        assertEquals(200, r.status(), r.toString());
        assertTrue(r.body().path("id_token").asText().split("\\.").length == 3);
    }

    @Test
    void anAssertionSignedByAnotherKeyIsRefused() {
        App app = app();
        Api.Resp r = of.post("/oauth2/v1/token", redeem(app, Fixtures.ecKey(), login()));
        assertEquals(401, r.status(), r.toString());
        assertEquals("invalid_client", r.body().path("error").asText());
    }

    @Test
    void appsMayNotUseTheAgentGrants() {
        App app = app();
        var t = of.serverWithResource(null, "client_credentials", "ALL_SCOPES", List.of("*"));
        Map<String, String> p = new LinkedHashMap<>();
        p.put("grant_type", "client_credentials");
        p.put("resource", t.resource());
        p.put("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
        p.put("client_assertion", OAuthFixtures.sign(app.key(), null, OAuthFixtures.assertionClaims(app.id(), t.issuer()).build()));
        Api.Resp r = of.post("/oauth2/" + t.serverId() + "/v1/token", p);
        assertEquals(400, r.status(), r.toString());
        assertEquals("unauthorized_client", r.body().path("error").asText());
    }

    @Test
    void aSecretAppCannotSwitchToAssertions() {
        Api.Resp secretApp = admin.post("/api/v1/apps", Api.map("name", Fixtures.unique("sec"), "client_type", "confidential",
                "token_endpoint_auth_method", "client_secret_basic", "redirect_uris", List.of(SignIn.REDIRECT)));
        App pretend = new App(secretApp.id(), Fixtures.ecKey());
        Api.Resp r = of.post("/oauth2/v1/token", redeem(pretend, pretend.key(), login()));
        assertEquals(401, r.status(), r.toString());
        assertTrue(r.body().path("error_description").asText().contains("private_key_jwt"), r.toString());
    }
}
