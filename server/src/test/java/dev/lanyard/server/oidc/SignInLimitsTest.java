package dev.lanyard.server.oidc;

import dev.lanyard.server.TestDirs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanyard.server.Api;
import dev.lanyard.server.Fixtures;
import dev.lanyard.server.TestServer;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A server of its own with a 1-second code lifetime and a low per-address failure limit. */
class SignInLimitsTest {

    @Test
    void codesExpireAndFailuresFromOneAddressAreRateLimited() throws Exception {
        try (TestServer server = TestServer.start(TestDirs.create("lanyard-signin-"), TestServer.freePort(),
                Map.of("LANYARD_AUTH_CODE_TTL_SECONDS", "1", "LANYARD_LOGIN_MAX_FAILURES_PER_IP", "3"))) {
            Api api = server.admin();
            Fixtures fx = new Fixtures(api);
            SignIn signIn = new SignIn(server);
            SignIn.App app = signIn.app(false);
            String user = fx.user();
            String login = api.get("/api/v1/users/" + user).body().path("login").asText();

            String verifier = SignIn.verifier();
            String code = signIn.code(SignIn.request(app.id(), verifier), login).get("code");
            Thread.sleep(1500);
            HttpResponse<String> expired = signIn.redeem(app, code, SignIn.REDIRECT, verifier);
            assertEquals(400, expired.statusCode());
            assertEquals("invalid_grant", Api.JSON.readTree(expired.body()).path("error").asText());
            assertTrue(fx.auditEvents(app.id()).stream().anyMatch(e -> e.path("details").path("reason").asText()
                    .equals("expired")));

            for (int i = 0; i < 3; i++) {
                SignIn.Form form = signIn.open(SignIn.request(app.id(), SignIn.verifier()));
                assertEquals(401, signIn.submit(form, "someone-" + i, "guess").statusCode());
            }
            SignIn.Form form = signIn.open(SignIn.request(app.id(), SignIn.verifier()));
            HttpResponse<String> limited = signIn.submit(form, login, SignIn.PASSWORD);
            assertEquals(429, limited.statusCode());
            assertTrue(limited.body().contains("Too many failed sign-in attempts"));
        }
    }
}
