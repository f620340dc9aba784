package dev.lanyard.server.approvals;

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
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.lanyard.server.Api;
import dev.lanyard.server.Fixtures;
import dev.lanyard.server.TestServer;
import dev.lanyard.server.oauth.OAuthFixtures;
import dev.lanyard.server.oidc.SignIn;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * An agent's owner decides its approval requests with the access token they get by signing in through the console
 * client (real login form, code + PKCE); nobody else's token, and no other token of theirs, gets that far.
 */
class OwnerApprovalTest {
    private final TestServer server = TestServer.shared();
    private final Api admin = server.admin();
    private final OAuthFixtures of = new OAuthFixtures(server);
    private final SignIn signIn = new SignIn(server);

    private String login(String userId) {
        return admin.get("/api/v1/users/" + userId).body().path("login").asText();
    }

    private Api as(String token) {
        return server.anonymous().withToken(token);
    }

    /** An active autonomous agent with a PENDING approval request (for tickets.read on a production-write resource). */
    private record Pending(OAuthFixtures.AgentWithKey agent, OAuthFixtures.Target target, String approvalId) {}

    private Pending pendingApproval() {
        var agent = of.activeAgent("autonomous", null);
        var t = of.serverWithResource(agent.id(), "client_credentials", "ALL_SCOPES", List.of("*"),
                List.of("production-write"));
        Api.Resp refused = of.clientCredentials(agent, t, "tickets.read");
        assertEquals(400, refused.status(), refused.toString());
        return new Pending(agent, t, ApprovalTest.approvalId(refused));
    }

    /** A form POST to an OAuth endpoint of the org server, authenticated with the admin token as a bearer. */
    private Api.Resp adminForm(String path, String token) {
        return admin.send("POST", path, "token=" + token, Map.of("Content-Type", "application/x-www-form-urlencoded"));
    }

    /** The reason of the admin.auth_failed event that the refused request wrote. */
    private String authFailure(Api.Resp refused) {
        JsonNode events = admin.get("/api/v1/audit/events?type=admin.auth_failed&limit=200&since="
                + Instant.now().minusSeconds(60)).body();
        for (JsonNode e : events) {
            if (e.path("request_id").asText().equals(refused.header("X-Request-Id"))) {
                return e.path("details").path("reason").asText();
            }
        }
        throw new AssertionError("no admin.auth_failed event for request " + refused.header("X-Request-Id"));
    }

    private static List<String> ids(JsonNode list) {
        List<String> out = new ArrayList<>();
        list.forEach(a -> out.add(a.path("id").asText()));
        return out;
    }

    @Test
    void anOwnerSignsInThroughTheLoginFormAndApprovesTheirAgentsRequest() throws Exception {
        Pending p = pendingApproval();
        assertTrue(of.clientCredentials(p.agent(), p.target(), "tickets.read").body().path("error_description")
                .asText().contains("an owner of the agent or an admin must approve it"));
        JsonNode tokens = signIn.consoleTokens(login(p.agent().ownerId()), "openid " + SignIn.APPROVALS_SCOPE);
        assertEquals("Bearer", tokens.path("token_type").asText());
        assertEquals(SignIn.APPROVALS_SCOPE, tokens.path("scope").asText());
        assertEquals(900, tokens.path("expires_in").asInt());
        assertTrue(tokens.has("id_token"));
        String token = tokens.path("access_token").asText();

        // an RFC 9068 access token for the approvals API, checked by an independent verifier against the JWKS
        JWKSet jwks = JWKSet.parse(server.anonymous().get("/oauth2/v1/keys").raw());
        DefaultJWTProcessor<SecurityContext> verifier = new DefaultJWTProcessor<>();
        verifier.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(new JOSEObjectType("at+jwt")));
        verifier.setJWSKeySelector(new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.ES256, JWSAlgorithm.RS256),
                new ImmutableJWKSet<>(jwks)));
        verifier.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(signIn.approvalsResource(),
                new JWTClaimsSet.Builder().issuer(server.baseUrl()).subject(p.agent().ownerId())
                        .claim("client_id", SignIn.CONSOLE).claim("scope", SignIn.APPROVALS_SCOPE).build(),
                Set.of("exp", "iat", "jti", "auth_time")));
        JWTClaimsSet claims = verifier.process(token, null);
        assertEquals(List.of(signIn.approvalsResource()), claims.getAudience());

        Api owner = as(token);
        Api.Resp pending = owner.get("/api/v1/approvals?status=PENDING");
        assertEquals(200, pending.status(), pending.toString());
        assertEquals(List.of(p.approvalId()), ids(pending.body()));
        assertEquals(200, owner.get("/api/v1/approvals/" + p.approvalId()).status());

        Api.Resp approved = owner.post("/api/v1/approvals/" + p.approvalId() + "/approve",
                Map.of("ttl_seconds", 600, "note", "owner says yes"));
        assertEquals(200, approved.status(), approved.toString());
        assertEquals("APPROVED", approved.body().path("status").asText());
        assertEquals("user:" + p.agent().ownerId(), approved.body().path("decided_by").asText());

        Api.Resp granted = of.clientCredentials(p.agent(), p.target(), "tickets.read");
        assertEquals(200, granted.status(), granted.toString());
        assertEquals("tickets.read", granted.body().path("scope").asText());

        JsonNode decided = admin.get("/api/v1/audit/events?type=approval.approved&target=" + p.agent().id()).body();
        assertEquals(1, decided.size(), decided.toString());
        assertEquals("user:" + p.agent().ownerId(), decided.get(0).path("actor").asText());
        assertEquals(p.approvalId(), decided.get(0).path("details").path("approval").asText());
        // the token is in no audit record
        String trail = admin.get("/api/v1/audit/events?limit=200&target=" + p.agent().id()).raw()
                + admin.get("/api/v1/audit/events?limit=200&target=" + p.agent().ownerId()).raw()
                + admin.get("/api/v1/audit/events?limit=200&target=" + SignIn.CONSOLE).raw();
        assertFalse(trail.contains(token));
        assertFalse(trail.contains(token.substring(token.lastIndexOf('.') + 1)));

        // the token is in the registry: introspection sees it, an admin's revocation ends it
        Api.Resp introspected = adminForm("/oauth2/v1/introspect", token);
        assertEquals(true, introspected.body().path("active").asBoolean(), introspected.toString());
        assertEquals(signIn.approvalsResource(), introspected.body().path("aud").asText());
        assertEquals(SignIn.APPROVALS_SCOPE, introspected.body().path("scope").asText());
    }

    @Test
    void anOwnerDeniesAndOnlySeesTheirOwnAgentsRequests() {
        Pending mine = pendingApproval();
        Pending theirs = pendingApproval();
        Api owner = as(signIn.approvalsToken(login(mine.agent().ownerId())));

        assertEquals(List.of(mine.approvalId()), ids(owner.get("/api/v1/approvals").body()));
        assertEquals(List.of(), ids(owner.get("/api/v1/approvals?agent=" + theirs.agent().id()).body()));
        Api.Resp denied = owner.post("/api/v1/approvals/" + mine.approvalId() + "/deny", Map.of("note", "no"));
        assertEquals(200, denied.status(), denied.toString());
        assertEquals("DENIED", denied.body().path("status").asText());
        JsonNode audited = admin.get("/api/v1/audit/events?type=approval.denied&target=" + mine.agent().id()).body();
        assertEquals("user:" + mine.agent().ownerId(), audited.get(0).path("actor").asText());
        assertEquals(409, owner.post("/api/v1/approvals/" + mine.approvalId() + "/approve", null).status());
        // still refused: the denial stands
        assertEquals(400, of.clientCredentials(mine.agent(), mine.target(), "tickets.read").status());
    }

    @Test
    void aUserWhoDoesNotOwnTheAgentGetsNotFoundAndForbiddenAndChangesNothing() {
        Pending p = pendingApproval();
        String stranger = of.fx.user();
        Api other = as(signIn.approvalsToken(login(stranger)));

        Api.Resp list = other.get("/api/v1/approvals?status=PENDING");
        assertEquals(200, list.status(), list.toString());
        assertFalse(ids(list.body()).contains(p.approvalId()), list.toString());
        assertEquals(List.of(), ids(other.get("/api/v1/approvals?agent=" + p.agent().id()).body()));
        Api.Resp read = other.get("/api/v1/approvals/" + p.approvalId());
        assertEquals(404, read.status(), read.toString());
        assertEquals("E0000007", read.errorCode());
        for (String decision : List.of("approve", "deny")) {
            Api.Resp r = other.post("/api/v1/approvals/" + p.approvalId() + "/" + decision, Map.of("note", "mine now"));
            assertEquals(403, r.status(), r.toString());
            assertEquals("E0000006", r.errorCode());
            assertTrue(r.body().has("errorSummary") && r.body().has("errorId"), r.toString());
        }
        // an unknown id stays a 404
        assertEquals(404, other.post("/api/v1/approvals/apr_AAAAAAAAAAAAAAAAAAAA/approve", null).status());

        JsonNode after = admin.get("/api/v1/approvals/" + p.approvalId()).body();
        assertEquals("PENDING", after.path("status").asText());
        assertTrue(after.path("decided_by").isNull() || after.path("decided_by").isMissingNode(), after.toString());
        assertEquals(0, admin.get("/api/v1/audit/events?type=approval.approved,approval.denied&target="
                + p.agent().id()).body().size());
        assertEquals(400, of.clientCredentials(p.agent(), p.target(), "tickets.read").status());
    }

    @Test
    void aUserTokenOpensNoOtherAdminRouteAndNoOtherEndpoint() {
        Pending p = pendingApproval();
        String token = signIn.approvalsToken(login(p.agent().ownerId()));
        Api owner = as(token);
        assertEquals(200, owner.get("/api/v1/approvals").status());
        for (String path : List.of("/api/v1/users", "/api/v1/ai-agents/" + p.agent().id(), "/api/v1/audit/events",
                "/api/v1/admin-tokens", "/api/v1/revocations/stream")) {
            Api.Resp r = owner.get(path);
            assertEquals(401, r.status(), path + " " + r);
            assertEquals("E0000011", r.errorCode(), path);
        }
        Api.Resp deactivate = owner.post("/api/v1/ai-agents/" + p.agent().id() + "/lifecycle/deactivate", null);
        assertEquals(401, deactivate.status(), deactivate.toString());
        Api.Resp mint = owner.post("/api/v1/admin-tokens", Map.of("name", "escalate", "role", "admin"));
        assertEquals(401, mint.status(), mint.toString());
        assertEquals("ACTIVE", admin.get("/api/v1/ai-agents/" + p.agent().id()).body().path("status").asText());
        // nor the org server's userinfo, nor the policy decision point
        assertEquals(401, owner.get("/oauth2/v1/userinfo").status());
        assertEquals(401, owner.post("/v1/data/lanyard/token/decision", Map.of("input", Map.of())).status());
    }

    @Test
    void theUserinfoTokenAndTheIdTokenAreRefusedOnTheApprovalsApi() {
        Pending p = pendingApproval();
        String login = login(p.agent().ownerId());
        // the console without lanyard.approvals gets the usual userinfo token, which works there and only there
        JsonNode plain = signIn.consoleTokens(login, "openid profile");
        String userinfoToken = plain.path("access_token").asText();
        assertEquals(200, as(userinfoToken).get("/oauth2/v1/userinfo").status());
        for (String token : List.of(userinfoToken, plain.path("id_token").asText())) {
            Api.Resp r = as(token).get("/api/v1/approvals");
            assertEquals(401, r.status(), r.toString());
            assertEquals("E0000011", r.errorCode());
            assertEquals(401, as(token).post("/api/v1/approvals/" + p.approvalId() + "/approve", null).status());
        }
        // nor is the userinfo token of an ordinary sign-on app
        SignIn.App app = signIn.app(false);
        String verifier = SignIn.verifier();
        Map<String, String> back = signIn.code(SignIn.request(app.id(), verifier), login);
        String appToken = readTree(signIn.redeem(app, back.get("code"), SignIn.REDIRECT, verifier).body())
                .path("access_token").asText();
        Api.Resp refused = as(appToken).get("/api/v1/approvals");
        assertEquals(401, refused.status(), refused.toString());
        assertEquals("invalid_user_token", authFailure(refused));
        assertEquals("PENDING", admin.get("/api/v1/approvals/" + p.approvalId()).body().path("status").asText());
    }

    private static JsonNode readTree(String json) {
        try {
            return Api.JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A token signed with the org server's own key, from the claims of a real one changed by {@code change}. */
    private String forged(String real, JOSEObjectType typ, UnaryOperator<JWTClaimsSet.Builder> change)
            throws Exception {
        JWTClaimsSet claims = change.apply(new JWTClaimsSet.Builder(SignedJWT.parse(real).getJWTClaimsSet())).build();
        return server.server().signingKeys().sign("org", typ, claims);
    }

    @Test
    void expiredRevokedForgedAndWrongAudienceTokensAreRefused() throws Exception {
        Pending p = pendingApproval();
        String login = login(p.agent().ownerId());
        String token = signIn.approvalsToken(login);
        assertEquals(200, as(token).get("/api/v1/approvals").status());
        JOSEObjectType at = new JOSEObjectType("at+jwt");
        // each a valid org signature over the real token's claims (its jti is active in the registry), one check off
        Map<String, String> forgeries = Map.of(
                "expired", forged(token, at, b -> b.expirationTime(Date.from(Instant.now().minusSeconds(120)))),
                "wrong audience", forged(token, at, b -> b.audience(server.baseUrl() + "/oauth2/v1/userinfo")),
                "another API's audience", forged(token, at, b -> b.audience(server.baseUrl() + "/api/v1/users")),
                "wrong issuer", forged(token, at, b -> b.issuer(server.baseUrl() + "/oauth2/aus_x")),
                "without the scope", forged(token, at, b -> b.claim("scope", "openid")),
                "typ JWT", forged(token, JOSEObjectType.JWT, b -> b),
                "not in the registry", forged(token, at, b -> b.jwtID(UUID.randomUUID().toString())),
                "someone else", forged(token, at, b -> b.subject(of.fx.user())));
        forgeries.forEach((what, forgery) -> {
            Api.Resp r = as(forgery).get("/api/v1/approvals");
            assertEquals(401, r.status(), what + ": " + r);
            assertEquals("E0000011", r.errorCode(), what);
        });
        // the same claims under a key that is not the org server's
        SignedJWT foreign = new SignedJWT(new com.nimbusds.jose.JWSHeader.Builder(JWSAlgorithm.ES256).type(at).build(),
                SignedJWT.parse(token).getJWTClaimsSet());
        foreign.sign(new com.nimbusds.jose.crypto.ECDSASigner(Fixtures.ecKey()));
        assertEquals(401, as(foreign.serialize()).get("/api/v1/approvals").status());
        assertEquals(200, as(token).get("/api/v1/approvals").status(), "the real token still works");

        // revoked at the org server's revocation endpoint (admin): refused at the next request
        assertEquals(200, adminForm("/oauth2/v1/revoke", token).status());
        assertEquals(401, as(token).get("/api/v1/approvals").status());
        assertEquals(false, adminForm("/oauth2/v1/introspect", token).body()
                .path("active").asBoolean());

        // expired by the registry's clock, whatever the JWT says
        String lapsed = signIn.approvalsToken(login);
        try (var c = server.jdbc(); var st = c.prepareStatement(
                "UPDATE issued_tokens SET expires_at = now() - interval '1 second' WHERE jti = ?")) {
            st.setString(1, SignedJWT.parse(lapsed).getJWTClaimsSet().getJWTID());
            assertEquals(1, st.executeUpdate());
        }
        assertEquals(401, as(lapsed).post("/api/v1/approvals/" + p.approvalId() + "/approve", null).status());
        assertEquals("PENDING", admin.get("/api/v1/approvals/" + p.approvalId()).body().path("status").asText());
    }

    @Test
    void suspendingTheUserStopsTheirTokenAtOnce() {
        Pending p = pendingApproval();
        String owner = p.agent().ownerId();
        Api user = as(signIn.approvalsToken(login(owner)));
        assertEquals(200, user.get("/api/v1/approvals/" + p.approvalId()).status());
        assertEquals(200, admin.post("/api/v1/users/" + owner + "/lifecycle/suspend", null).status());
        Api.Resp refused = user.post("/api/v1/approvals/" + p.approvalId() + "/approve", null);
        assertEquals(401, refused.status(), refused.toString());
        assertEquals(401, user.get("/api/v1/approvals").status());
        assertEquals("inactive_user_token", authFailure(refused));
        assertEquals("PENDING", admin.get("/api/v1/approvals/" + p.approvalId()).body().path("status").asText());
    }
}
