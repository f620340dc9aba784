package dev.lanyard.server.oidc;

import dev.lanyard.server.TestDirs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanyard.server.Api;
import dev.lanyard.server.Fixtures;
import dev.lanyard.server.TestServer;
import dev.lanyard.server.config.ConfigException;
import dev.lanyard.server.config.ServerConfig;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The built-in console client ({@code lanyard-console}): a public client that must use PKCE, redirects only to
 * loopback URIs (any port, RFC 8252 §7.3) and the operator's configured list, and alone may ask for the approvals API.
 */
class ConsoleClientTest {
    private final TestServer server = TestServer.shared();
    private final Api api = server.admin();
    private final Fixtures fx = new Fixtures(api);
    private final SignIn signIn = new SignIn(server);

    private String login() {
        return api.get("/api/v1/users/" + fx.user()).body().path("login").asText();
    }

    private Map<String, String> console(String redirectUri) {
        Map<String, String> q = SignIn.consoleRequest(SignIn.verifier(), "openid " + SignIn.APPROVALS_SCOPE);
        q.put("redirect_uri", redirectUri);
        return q;
    }

    private HttpResponse<String> authorize(Map<String, String> q) {
        return signIn.get("/oauth2/v1/authorize?" + SignIn.encode(q), Map.of());
    }

    /** The request is refused by a redirect to the client carrying {@code error} (RFC 6749 §4.1.2.1). */
    private void assertRedirectError(Map<String, String> q, String error) {
        HttpResponse<String> r = authorize(q);
        assertEquals(303, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Location").orElse("").startsWith(q.get("redirect_uri") + "?"));
        Map<String, String> back = SignIn.redirectParams(r);
        assertEquals(error, back.get("error"), back.toString());
        assertEquals(q.get("state"), back.get("state"));
        assertNull(back.get("code"));
    }

    private static JsonNode json(HttpResponse<String> r) {
        try {
            return Api.JSON.readTree(r.body());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void loopbackRedirectUrisOnAnyPortGetTheLoginForm() {
        for (String uri : List.of("http://127.0.0.1:49200/callback", "http://127.0.0.1:8765/other/path",
                "http://[::1]:8123/cb", "http://localhost:3000/callback", "http://localhost/cb", "http://127.0.0.1/")) {
            HttpResponse<String> r = authorize(console(uri));
            assertEquals(200, r.statusCode(), uri + " " + r.body());
            assertTrue(r.body().contains("Lanyard console"), r.body());
        }
    }

    @Test
    void anyOtherRedirectUriIsAnErrorPageNeverARedirect() {
        for (String uri : List.of("https://evil.example.com/callback", "http://example.com:8080/callback",
                "http://127.0.0.1.evil.example.com/cb", "http://localhost.evil.example.com/cb",
                "http://localhost@evil.example.com/cb", "http://user@127.0.0.1:5000/cb", "http://127.0.0.1:5000/cb#x",
                "https://127.0.0.1:5000/cb", "lanyard://callback", "/callback", SignIn.REDIRECT)) {
            HttpResponse<String> r = authorize(console(uri));
            assertEquals(400, r.statusCode(), uri + " " + r.body());
            assertTrue(r.headers().firstValue("Location").isEmpty(), uri);
            assertTrue(r.body().contains("redirect_uri is not registered"), uri + " " + r.body());
        }
        assertTrue(fx.auditEvents(SignIn.CONSOLE).stream().anyMatch(e -> e.path("type").asText()
                .equals("oauth.authorize.refused") && e.path("details").path("reason").asText()
                .equals("redirect_uri_mismatch")));
    }

    @Test
    void pkceIsRequiredAtBothEnds() {
        Map<String, String> missing = console("http://127.0.0.1:50123/cb");
        missing.remove("code_challenge");
        missing.remove("code_challenge_method");
        assertRedirectError(missing, "invalid_request");
        Map<String, String> plain = console("http://127.0.0.1:50123/cb");
        plain.put("code_challenge_method", "plain");
        assertRedirectError(plain, "invalid_request");

        String login = login();
        String verifier = SignIn.verifier();
        Map<String, String> q = SignIn.consoleRequest(verifier, "openid " + SignIn.APPROVALS_SCOPE);
        String code = signIn.code(q, login).get("code");
        SignIn.App console = new SignIn.App(SignIn.CONSOLE, null);
        HttpResponse<String> noVerifier = signIn.redeem(console, code, q.get("redirect_uri"), "");
        assertEquals(400, noVerifier.statusCode());
        assertEquals("invalid_request", json(noVerifier).path("error").asText());
        HttpResponse<String> wrong = signIn.redeem(console, code, q.get("redirect_uri"), SignIn.verifier());
        assertEquals(400, wrong.statusCode());
        assertEquals("invalid_grant", json(wrong).path("error").asText());
        // the failed attempt burnt the code
        assertEquals("invalid_grant", json(signIn.redeem(console, code, q.get("redirect_uri"), verifier))
                .path("error").asText());
    }

    @Test
    void theApprovalsScopeAndResourceAreTheConsolesAlone() {
        SignIn.App app = signIn.app(false);
        Map<String, String> appScope = SignIn.request(app.id(), SignIn.verifier());
        appScope.put("scope", "openid " + SignIn.APPROVALS_SCOPE);
        assertRedirectError(appScope, "invalid_scope");
        Map<String, String> appResource = SignIn.request(app.id(), SignIn.verifier());
        appResource.put("resource", signIn.approvalsResource());
        assertRedirectError(appResource, "invalid_target");

        Map<String, String> otherResource = console("http://127.0.0.1:50124/cb");
        otherResource.put("resource", "https://mcp.example.com/tickets");
        assertRedirectError(otherResource, "invalid_target");
        Map<String, String> resourceWithoutScope = console("http://127.0.0.1:50124/cb");
        resourceWithoutScope.put("scope", "openid");
        resourceWithoutScope.put("resource", signIn.approvalsResource());
        assertRedirectError(resourceWithoutScope, "invalid_scope");
        Map<String, String> unknownScope = console("http://127.0.0.1:50124/cb");
        unknownScope.put("scope", "openid lanyard.admin");
        assertRedirectError(unknownScope, "invalid_scope");
    }

    @Test
    void theTokenRequestIsAPublicClientsAndNamesOnlyTheApprovalsApi() {
        String login = login();
        SignIn.App console = new SignIn.App(SignIn.CONSOLE, null);

        String verifier = SignIn.verifier();
        Map<String, String> q = SignIn.consoleRequest(verifier, "openid " + SignIn.APPROVALS_SCOPE);
        String code = signIn.code(q, login).get("code");
        Map<String, String> form = new LinkedHashMap<>(Map.of("grant_type", "authorization_code", "code", code,
                "redirect_uri", q.get("redirect_uri"), "code_verifier", verifier, "client_id", SignIn.CONSOLE,
                "resource", "https://mcp.example.com/tickets"));
        HttpResponse<String> otherResource = signIn.postForm("/oauth2/v1/token", form, Map.of());
        assertEquals(400, otherResource.statusCode(), otherResource.body());
        assertEquals("invalid_target", json(otherResource).path("error").asText());

        verifier = SignIn.verifier();
        q = SignIn.consoleRequest(verifier, "openid " + SignIn.APPROVALS_SCOPE);
        code = signIn.code(q, login).get("code");
        form.putAll(Map.of("code", code, "redirect_uri", q.get("redirect_uri"), "code_verifier", verifier,
                "resource", signIn.approvalsResource()));
        HttpResponse<String> named = signIn.postForm("/oauth2/v1/token", form, Map.of());
        assertEquals(200, named.statusCode(), named.body());
        assertEquals(SignIn.APPROVALS_SCOPE, json(named).path("scope").asText());

        // another loopback port than the one the code was issued for
        verifier = SignIn.verifier();
        q = SignIn.consoleRequest(verifier, "openid " + SignIn.APPROVALS_SCOPE);
        code = signIn.code(q, login).get("code");
        int port = java.net.URI.create(q.get("redirect_uri")).getPort();
        String otherPortUri = "http://127.0.0.1:" + (port + 1) + "/callback";
        HttpResponse<String> otherPort = signIn.redeem(console, code, otherPortUri, verifier);
        assertEquals(400, otherPort.statusCode());
        assertEquals("invalid_grant", json(otherPort).path("error").asText());

        // no secret to present: Basic authentication is refused
        String credentials = Base64.getEncoder().encodeToString((SignIn.CONSOLE + ":guess")
                .getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> basic = signIn.postForm("/oauth2/v1/token", Map.of("grant_type", "authorization_code",
                "code", "x", "redirect_uri", q.get("redirect_uri"), "code_verifier", verifier),
                Map.of("Authorization", "Basic " + credentials));
        assertEquals(401, basic.statusCode());
        assertEquals("invalid_client", json(basic).path("error").asText());
    }

    @Test
    void theConsoleIsNoSignOnAppOfTheAppsApi() {
        JsonNode apps = api.get("/api/v1/apps?limit=200").body();
        apps.forEach(a -> assertTrue(!SignIn.CONSOLE.equals(a.path("id").asText()), a.toString()));
        assertEquals(404, api.get("/api/v1/apps/" + SignIn.CONSOLE).status());
    }

    @Test
    void theOperatorsRedirectUrisAreCheckedAtStartAndMatchedExactly() throws Exception {
        for (String bad : List.of("http://console.example.com/cb", "https://console.example.com/cb#top", "not a url",
                "https://user@console.example.com/cb")) {
            assertThrows(ConfigException.class, () -> ServerConfig.from(Map.of("LANYARD_CONSOLE_REDIRECT_URIS", bad)),
                    bad);
        }
        ServerConfig listed = ServerConfig.from(Map.of("LANYARD_CONSOLE_REDIRECT_URIS",
                " https://console.example.com/cb ,https://ops.example.com/x?tab=1,"));
        assertEquals(List.of("https://console.example.com/cb", "https://ops.example.com/x?tab=1"),
                listed.signIn().consoleRedirectUris());

        // not on a server that does not list it
        assertEquals(400, authorize(console("https://console.example.com/cb")).statusCode());
        try (TestServer own = TestServer.start(TestDirs.create("lanyard-console-"), TestServer.freePort(),
                Map.of("LANYARD_CONSOLE_REDIRECT_URIS", "https://console.example.com/cb"))) {
            SignIn there = new SignIn(own);
            String login = new Fixtures(own.admin()).user();
            login = own.admin().get("/api/v1/users/" + login).body().path("login").asText();
            String verifier = SignIn.verifier();
            Map<String, String> q = SignIn.consoleRequest(verifier, "openid " + SignIn.APPROVALS_SCOPE);
            q.put("redirect_uri", "https://console.example.com/cb");
            String code = there.code(q, login).get("code");
            HttpResponse<String> token = there.redeem(new SignIn.App(SignIn.CONSOLE, null), code, q.get("redirect_uri"),
                    verifier);
            assertEquals(200, token.statusCode(), token.body());
            assertEquals(200, own.anonymous().withToken(json(token).path("access_token").asText())
                    .get("/api/v1/approvals").status());
            // exactly: no prefix, no other path
            String prefixed = SignIn.encode(console("https://console.example.com/cb/x"));
            assertEquals(400, there.get("/oauth2/v1/authorize?" + prefixed, Map.of()).statusCode());
            // loopback still works there
            String loopback = SignIn.encode(console("http://127.0.0.1:50125/cb"));
            assertEquals(200, there.get("/oauth2/v1/authorize?" + loopback, Map.of()).statusCode());
        }
    }
}
