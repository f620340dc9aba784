package dev.lanyard.server.oidc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
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
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.lanyard.server.Api;
import dev.lanyard.server.Fixtures;
import dev.lanyard.server.TestServer;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SignInTest {
    private final TestServer server = TestServer.shared();
    private final Api api = server.admin();
    private final Fixtures fx = new Fixtures(api);
    private final SignIn signIn = new SignIn(server);

    private String login(String userId) {
        return api.get("/api/v1/users/" + userId).body().path("login").asText();
    }

    @Test
    void theWholeFlowThroughTheLoginFormToAVerifiedIdTokenAndUserinfo() throws Exception {
        String user = fx.user();
        SignIn.App app = signIn.app(true);
        String verifier = SignIn.verifier();
        Map<String, String> q = SignIn.request(app.id(), verifier);
        q.put("resource", "https://mcp.example.com/tickets");

        SignIn.Form form = signIn.open(q);
        assertEquals(200, form.status());
        assertTrue(form.html().contains("<form method=\"post\""), form.html());
        assertTrue(form.html().contains("Test app " + app.id()));
        assertFalse(form.html().contains("<script"));
        assertNotNull(form.authz());
        assertNotNull(form.csrfToken());
        assertNotNull(form.cookie());
        HttpResponse<String> redirect = signIn.submit(form, login(user), SignIn.PASSWORD);
        assertEquals(303, redirect.statusCode(), redirect.body());
        Map<String, String> back = SignIn.redirectParams(redirect);
        assertTrue(redirect.headers().firstValue("Location").get().startsWith(SignIn.REDIRECT + "?code="));
        assertEquals(q.get("state"), back.get("state"));
        assertEquals(server.baseUrl(), back.get("iss"));
        String code = back.get("code");
        assertTrue(code.length() >= 43);

        HttpResponse<String> token = signIn.redeem(app, code, SignIn.REDIRECT, verifier);
        assertEquals(200, token.statusCode(), token.body());
        assertEquals("no-store", token.headers().firstValue("Cache-Control").orElse(null));
        JsonNode body = Api.JSON.readTree(token.body());
        assertEquals("Bearer", body.path("token_type").asText());
        assertEquals("openid profile email", body.path("scope").asText());
        assertTrue(body.path("expires_in").asInt() > 0 && body.path("expires_in").asInt() <= 3600);

        // the ID token, checked by an independent verifier against the published JWKS
        JWKSet jwks = JWKSet.parse(signIn.get("/oauth2/v1/keys", Map.of()).body());
        DefaultJWTProcessor<SecurityContext> p = new DefaultJWTProcessor<>();
        p.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT));
        p.setJWSKeySelector(new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.ES256, JWSAlgorithm.RS256),
                new ImmutableJWKSet<>(jwks)));
        p.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(app.id(), new JWTClaimsSet.Builder()
                .issuer(server.baseUrl()).subject(user).claim("nonce", q.get("nonce")).claim("azp", app.id()).build(),
                Set.of("iat", "exp", "auth_time", "email", "name")));
        JWTClaimsSet id = p.process(body.path("id_token").asText(), null);
        assertTrue(id.getExpirationTime().getTime() - id.getIssueTime().getTime() <= 3600_000);
        assertEquals(login(user) + "@example.com", id.getStringClaim("email"));
        assertEquals("JWT", SignedJWT.parse(body.path("id_token").asText()).getHeader().getType().getType());

        // the access token is for userinfo only
        SignedJWT at = SignedJWT.parse(body.path("access_token").asText());
        assertEquals("at+jwt", at.getHeader().getType().getType());
        assertEquals(List.of(server.baseUrl() + "/oauth2/v1/userinfo"), at.getJWTClaimsSet().getAudience());
        HttpResponse<String> info = signIn.get("/oauth2/v1/userinfo",
                Map.of("Authorization", "Bearer " + body.path("access_token").asText()));
        assertEquals(200, info.statusCode(), info.body());
        JsonNode claims = Api.JSON.readTree(info.body());
        assertEquals(user, claims.path("sub").asText());
        assertEquals(login(user), claims.path("preferred_username").asText());
        assertEquals(login(user) + "@example.com", claims.path("email").asText());
        assertEquals("Test " + login(user), claims.path("name").asText());

        // the ID token is not an access token for userinfo
        HttpResponse<String> wrongType = signIn.get("/oauth2/v1/userinfo",
                Map.of("Authorization", "Bearer " + body.path("id_token").asText()));
        assertEquals(401, wrongType.statusCode());
        assertTrue(wrongType.headers().firstValue("WWW-Authenticate").orElse("").contains("error=\"invalid_token\""));

        // audited, without secrets
        List<String> types = fx.auditTypes(app.id());
        assertTrue(types.contains("oauth.code.issued"), types.toString());
        assertTrue(fx.auditTypes(user).contains("user.login.succeeded"));
        assertTrue(fx.auditTypes(user).contains("oauth.code.redeemed"));
        String trail = api.get("/api/v1/audit/events?limit=200&target=" + app.id()).raw()
                + api.get("/api/v1/audit/events?limit=200&target=" + user).raw();
        assertFalse(trail.contains(code));
        assertFalse(trail.contains(SignIn.PASSWORD));
        assertFalse(trail.contains(body.path("id_token").asText()));

        // the code is stored only as a hash
        try (var c = server.jdbc(); var rs = c.createStatement().executeQuery(
                "SELECT count(*) FROM authorization_codes WHERE code_hash = '" + code + "'")) {
            rs.next();
            assertEquals(0, rs.getLong(1));
        }

        // replaying the code is refused, audited, and revokes what the code produced
        HttpResponse<String> replay = signIn.redeem(app, code, SignIn.REDIRECT, verifier);
        assertEquals(400, replay.statusCode());
        assertEquals("invalid_grant", Api.JSON.readTree(replay.body()).path("error").asText());
        assertTrue(fx.auditTypes(app.id()).contains("oauth.code.replayed"));
        assertEquals(401, signIn.get("/oauth2/v1/userinfo",
                Map.of("Authorization", "Bearer " + body.path("access_token").asText())).statusCode());
    }

    @Test
    void aPublicClientRedeemsWithClientIdAndVerifierOnly() throws Exception {
        String user = fx.user();
        SignIn.App app = signIn.app(false);
        String verifier = SignIn.verifier();
        Map<String, String> back = signIn.code(SignIn.request(app.id(), verifier), login(user));
        HttpResponse<String> token = signIn.redeem(app, back.get("code"), SignIn.REDIRECT, verifier);
        assertEquals(200, token.statusCode(), token.body());
        assertTrue(Api.JSON.readTree(token.body()).has("id_token"));
    }

    @Test
    void wrongPasswordUnknownUserAndSuspendedUserGetTheSameGenericRefusal() {
        String user = fx.user();
        String suspended = fx.user();
        assertEquals(200, api.post("/api/v1/users/" + suspended + "/lifecycle/suspend", null).status());
        SignIn.App app = signIn.app(true);
        String expected = "The username or password is incorrect.";
        String[][] attempts = {{login(user), "wrong password"}, {"nobody-" + user, SignIn.PASSWORD},
                {login(suspended), SignIn.PASSWORD}};
        for (String[] attempt : attempts) {
            SignIn.Form form = signIn.open(SignIn.request(app.id(), SignIn.verifier()));
            HttpResponse<String> r = signIn.submit(form, attempt[0], attempt[1]);
            assertEquals(401, r.statusCode(), attempt[0]);
            assertTrue(r.body().contains(expected), r.body());
            assertTrue(r.headers().firstValue("Location").isEmpty());
            // the form comes back, ready for another attempt
            assertNotNull(SignIn.form(r).authz());
        }
        assertTrue(fx.auditTypes(user).contains("user.login.failed"));
        assertTrue(fx.auditTypes(suspended).contains("user.login.failed"));
        JsonNode failed = fx.auditEvents(suspended).stream()
                .filter(e -> e.path("type").asText().equals("user.login.failed")).findFirst().orElseThrow();
        assertEquals("user_suspended", failed.path("details").path("reason").asText());
        assertFalse(failed.toString().contains(SignIn.PASSWORD));
    }

    @Test
    void repeatedFailuresForOneLoginAreRateLimited() {
        String user = fx.user();
        SignIn.App app = signIn.app(true);
        for (int i = 0; i < 5; i++) {
            SignIn.Form form = signIn.open(SignIn.request(app.id(), SignIn.verifier()));
            assertEquals(401, signIn.submit(form, login(user), "wrong " + i).statusCode());
        }
        // even the right password is refused now, without being checked
        SignIn.Form form = signIn.open(SignIn.request(app.id(), SignIn.verifier()));
        HttpResponse<String> limited = signIn.submit(form, login(user), SignIn.PASSWORD);
        assertEquals(429, limited.statusCode());
        assertTrue(limited.body().contains("Too many failed sign-in attempts"), limited.body());
        List<JsonNode> events = fx.auditEvents(login(user));
        assertTrue(events.stream().anyMatch(e -> e.path("type").asText().equals("user.login.rate_limited")),
                events.toString());
        // another login from the same address is not affected
        String other = fx.user();
        assertEquals(303, signIn.submit(signIn.open(SignIn.request(app.id(), SignIn.verifier())), login(other),
                SignIn.PASSWORD).statusCode());
    }

    @Test
    void anUnknownClientOrUnregisteredRedirectUriIsAnErrorPageNeverARedirect() {
        SignIn.App app = signIn.app(true);
        Map<String, String> q = SignIn.request(app.id(), SignIn.verifier());
        q.put("redirect_uri", "https://evil.example.com/callback");
        HttpResponse<String> mismatch = signIn.get("/oauth2/v1/authorize?" + SignIn.encode(q), Map.of());
        assertEquals(400, mismatch.statusCode());
        assertTrue(mismatch.headers().firstValue("Location").isEmpty());
        assertTrue(mismatch.body().contains("redirect_uri is not registered"), mismatch.body());
        assertTrue(mismatch.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));

        Map<String, String> prefix = SignIn.request(app.id(), SignIn.verifier());
        prefix.put("redirect_uri", SignIn.REDIRECT + "/more");
        assertEquals(400, signIn.get("/oauth2/v1/authorize?" + SignIn.encode(prefix), Map.of()).statusCode());

        Map<String, String> unknown = SignIn.request("app_AAAAAAAAAAAAAAAAAAAA", SignIn.verifier());
        HttpResponse<String> r = signIn.get("/oauth2/v1/authorize?" + SignIn.encode(unknown), Map.of());
        assertEquals(400, r.statusCode());
        assertTrue(r.headers().firstValue("Location").isEmpty());
        assertTrue(fx.auditEvents(app.id()).stream().anyMatch(e -> e.path("type").asText()
                .equals("oauth.authorize.refused") && e.path("details").path("reason").asText().equals("redirect_uri_mismatch")));
    }

    @Test
    void pkceIsRequiredAndOnlyS256() {
        SignIn.App app = signIn.app(true);
        Map<String, String> missing = SignIn.request(app.id(), SignIn.verifier());
        missing.remove("code_challenge");
        missing.remove("code_challenge_method");
        assertRedirectError(missing, "invalid_request");

        Map<String, String> plain = SignIn.request(app.id(), SignIn.verifier());
        plain.put("code_challenge_method", "plain");
        assertRedirectError(plain, "invalid_request");

        Map<String, String> noMethod = SignIn.request(app.id(), SignIn.verifier());
        noMethod.remove("code_challenge_method");
        assertRedirectError(noMethod, "invalid_request");

        Map<String, String> noOpenid = SignIn.request(app.id(), SignIn.verifier());
        noOpenid.put("scope", "profile");
        assertRedirectError(noOpenid, "invalid_scope");

        Map<String, String> token = SignIn.request(app.id(), SignIn.verifier());
        token.put("response_type", "token");
        assertRedirectError(token, "unsupported_response_type");
    }

    private void assertRedirectError(Map<String, String> q, String error) {
        HttpResponse<String> r = signIn.get("/oauth2/v1/authorize?" + SignIn.encode(q), Map.of());
        assertEquals(303, r.statusCode(), r.body());
        Map<String, String> back = SignIn.redirectParams(r);
        assertEquals(error, back.get("error"), back.toString());
        assertEquals(q.get("state"), back.get("state"));
        assertEquals(server.baseUrl(), back.get("iss"));
        assertNull(back.get("code"));
    }

    @Test
    void aBadVerifierAnotherClientOrAnotherRedirectUriCannotRedeemTheCode() throws Exception {
        String user = fx.user();
        String second = SignIn.REDIRECT.replace("callback", "second");
        SignIn.App app = signIn.app(true, SignIn.REDIRECT, second);
        SignIn.App other = signIn.app(true);

        String verifier = SignIn.verifier();
        String code = signIn.code(SignIn.request(app.id(), verifier), login(user)).get("code");
        HttpResponse<String> bad = signIn.redeem(app, code, SignIn.REDIRECT, SignIn.verifier());
        assertEquals("invalid_grant", Api.JSON.readTree(bad.body()).path("error").asText());
        // a failed attempt burns the code
        assertEquals(400, signIn.redeem(app, code, SignIn.REDIRECT, verifier).statusCode());

        String code2 = signIn.code(SignIn.request(app.id(), verifier), login(user)).get("code");
        HttpResponse<String> stolen = signIn.redeem(other, code2, SignIn.REDIRECT, verifier);
        assertEquals(400, stolen.statusCode());
        assertEquals("invalid_grant", Api.JSON.readTree(stolen.body()).path("error").asText());

        String code3 = signIn.code(SignIn.request(app.id(), verifier), login(user)).get("code");
        assertEquals("invalid_grant", Api.JSON.readTree(signIn.redeem(app, code3, second, verifier).body())
                .path("error").asText());

        // a confidential client must authenticate: a wrong secret is invalid_client
        String code4 = signIn.code(SignIn.request(app.id(), verifier), login(user)).get("code");
        HttpResponse<String> wrongSecret = signIn.redeem(new SignIn.App(app.id(), "not-the-secret"), code4,
                SignIn.REDIRECT, verifier);
        assertEquals(401, wrongSecret.statusCode());
        assertEquals("invalid_client", Api.JSON.readTree(wrongSecret.body()).path("error").asText());
        assertTrue(fx.auditEvents(app.id()).stream().anyMatch(e -> e.path("type").asText().equals("oauth.code.refused")
                && e.path("details").path("reason").asText().equals("pkce_verifier_mismatch")));
    }

    @Test
    void theLoginFormNeedsItsCsrfTokenAndCookie() {
        String user = fx.user();
        SignIn.App app = signIn.app(true);
        SignIn.Form form = signIn.open(SignIn.request(app.id(), SignIn.verifier()));
        assertTrue(form.cookie() != null);
        HttpResponse<String> page = signIn.get("/oauth2/v1/authorize?" + SignIn.encode(
                SignIn.request(app.id(), SignIn.verifier())), Map.of());
        String setCookie = page.headers().allValues("Set-Cookie").get(0);
        assertTrue(setCookie.toLowerCase(java.util.Locale.ROOT).contains("httponly") && setCookie.contains("SameSite=Lax"), setCookie);

        SignIn.Form noCookie = new SignIn.Form(200, "", form.authz(), form.csrfToken(), null);
        HttpResponse<String> r1 = signIn.submit(noCookie, login(user), SignIn.PASSWORD);
        assertEquals(403, r1.statusCode());
        assertTrue(r1.headers().firstValue("Location").isEmpty());

        Map<String, String> noToken = new LinkedHashMap<>();
        noToken.put("authz", form.authz());
        noToken.put("username", login(user));
        noToken.put("password", SignIn.PASSWORD);
        assertEquals(403, signIn.postForm("/oauth2/v1/authorize/login", noToken, Map.of("Cookie", form.cookie()))
                .statusCode());

        SignIn.Form otherCookie = new SignIn.Form(200, "", form.authz(), form.csrfToken(),
                "lanyard_signin_csrf=" + SignIn.verifier());
        assertEquals(403, signIn.submit(otherCookie, login(user), SignIn.PASSWORD).statusCode());

        SignIn.Form tampered = new SignIn.Form(200, "", form.authz().replace('A', 'B').replace('a', 'b'),
                form.csrfToken(), form.cookie());
        assertEquals(400, signIn.submit(tampered, login(user), SignIn.PASSWORD).statusCode());

        // the untouched form still works
        assertEquals(303, signIn.submit(form, login(user), SignIn.PASSWORD).statusCode());
        assertTrue(fx.auditEvents(app.id()).stream().anyMatch(e -> e.path("type").asText().equals("oauth.authorize.refused")
                && e.path("details").path("reason").asText().equals("csrf")));
    }

    @Test
    void theTokenRouteParsesItsFormStrictly() throws Exception {
        SignIn.App app = signIn.app(false);
        HttpResponse<String> dup = SignIn.send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(server.baseUrl() + "/oauth2/v1/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("grant_type=authorization_code&code=a&code=b&client_id="
                        + app.id() + "&redirect_uri=x&code_verifier=y")));
        assertEquals(400, dup.statusCode());
        assertEquals("invalid_request", Api.JSON.readTree(dup.body()).path("error").asText());

        HttpResponse<String> json = SignIn.send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(server.baseUrl() + "/oauth2/v1/token"))
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}")));
        assertEquals("invalid_request", Api.JSON.readTree(json.body()).path("error").asText());

        HttpResponse<String> unknownCode = signIn.redeem(app, "nope", SignIn.REDIRECT, SignIn.verifier());
        assertEquals("invalid_grant", Api.JSON.readTree(unknownCode.body()).path("error").asText());

        // other grants are not this route's business (yet)
        Map<String, String> cc = new LinkedHashMap<>();
        cc.put("grant_type", "client_credentials");
        cc.put("client_id", app.id());
        HttpResponse<String> other = signIn.postForm("/oauth2/v1/token", cc, Map.of());
        assertEquals("unsupported_grant_type", Api.JSON.readTree(other.body()).path("error").asText());
    }
}
