package dev.lanyard.server.oauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.PlainHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.lanyard.server.Api;
import dev.lanyard.server.Fixtures;
import dev.lanyard.server.TestServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Every refusal of protocols.md §5 for the two ID-JAG legs, each with its own crafted token. Tokens "from us" are
 * signed by the server's own signer, so only the property under test is wrong.
 */
class IdJagRefusalsTest {
    private static final JOSEObjectType ID_JAG = new JOSEObjectType("oauth-id-jag+jwt");
    private final TestServer server = TestServer.shared();
    private final OAuthFixtures of = new OAuthFixtures(server);
    private final CrossAppAccessTest.World w = CrossAppAccessTest.world(server, of, "INCLUDE_ONLY",
            List.of("tickets.read", "tickets.write"));

    private String org(JOSEObjectType typ, JWTClaimsSet claims) {
        return server.server().signingKeys().sign("org", typ, claims);
    }

    private JWTClaimsSet.Builder idToken() {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().issuer(server.baseUrl()).subject(w.user()).audience(w.app().id())
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(600))).jwtID(UUID.randomUUID().toString());
    }

    private JWTClaimsSet.Builder idJag() {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().issuer(server.baseUrl()).subject(w.user()).audience(w.target().issuer())
                .claim("client_id", w.agent().id()).claim("resource", w.target().resource()).claim("scope", "tickets.read")
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(120))).jwtID(UUID.randomUUID().toString());
    }

    private Api.Resp exchange(String subjectToken, Map<String, String> overrides) {
        var p = CrossAppAccessTest.exchange(w, server.baseUrl(), subjectToken, "tickets.read");
        p.putAll(overrides);
        p.values().removeIf(v -> v == null);
        return of.post("/oauth2/v1/token", p);
    }

    private Api.Resp redeem(String assertion) {
        return of.post("/oauth2/" + w.target().serverId() + "/v1/token", CrossAppAccessTest.redeem(w, assertion));
    }

    private static void refused(Api.Resp r, String error, String part) {
        assertEquals(error.equals("invalid_client") ? 401 : 400, r.status(), r.toString());
        assertEquals(error, r.body().path("error").asText(), r.toString());
        assertTrue(r.body().path("error_description").asText().contains(part), r.toString());
    }

    // ---- token exchange at the org server ----

    @Test
    void aValidCraftedIdTokenIsAccepted() {
        assertEquals(200, exchange(org(JOSEObjectType.JWT, idToken().build()), Map.of()).status());
    }

    /**
     * The grant reads its facts while the assertion's jti is being claimed; a replay must still be refused as one,
     * ahead of whatever else is wrong, and must not reach the policy.
     */
    @Test
    void aReplayedClientAssertionIsRefusedAsOneWhateverElseIsWrong() {
        Map<String, String> p = CrossAppAccessTest.exchange(w, server.baseUrl(), org(JOSEObjectType.JWT, idToken().build()),
                "tickets.read");
        assertEquals(200, of.post("/oauth2/v1/token", p).status());
        // decisions reach the audit trail in the order they were made, a moment after the answer
        String decisions = "type = 'policy.decision' AND actor = 'agent:" + w.agent().id() + "'";
        dev.lanyard.server.Eventually.until(() -> server.count("audit_events", decisions), n -> n == 1,
                "the first exchange's decision in the audit trail");

        refused(of.post("/oauth2/v1/token", p), "invalid_client", "used before");
        Map<String, String> forgedSubject = new HashMap<>(p);
        forgedSubject.put("subject_token", OAuthFixtures.sign(Fixtures.ecKey(), JOSEObjectType.JWT, idToken().build()));
        refused(of.post("/oauth2/v1/token", forgedSubject), "invalid_client", "used before");
        Map<String, String> overScoped = new HashMap<>(p);
        overScoped.put("scope", "projects.delete");
        refused(of.post("/oauth2/v1/token", overScoped), "invalid_client", "used before");
        Map<String, String> elsewhere = new HashMap<>(p);
        elsewhere.put("audience", "https://elsewhere.example.com");
        refused(of.post("/oauth2/v1/token", elsewhere), "invalid_client", "used before");

        assertEquals(200, exchange(org(JOSEObjectType.JWT, idToken().build()), Map.of()).status());
        long decided = dev.lanyard.server.Eventually.until(() -> server.count("audit_events", decisions), n -> n >= 2,
                "the second exchange's decision in the audit trail");
        assertEquals(2, decided, "a replayed assertion reached the policy");
        assertEquals(2, server.count("issued_tokens", "agent_id = '" + w.agent().id() + "'"), "ID-JAGs recorded");
    }

    @Test
    void anAccessTokenIsNotASubjectIdToken() {
        refused(exchange(org(new JOSEObjectType("at+jwt"), idToken().build()), Map.of()), "invalid_grant", "wrong token type");
    }

    @Test
    void anIdTokenForAnotherClientIsRefused() {
        refused(exchange(org(JOSEObjectType.JWT, idToken().audience("app_someoneElse00000000").build()), Map.of()),
                "invalid_grant", "audience");
    }

    @Test
    void expiredOrFutureIdTokensAreRefused() {
        Instant now = Instant.now();
        refused(exchange(org(JOSEObjectType.JWT, idToken().expirationTime(Date.from(now.minusSeconds(600))).build()), Map.of()),
                "invalid_grant", "expired");
        refused(exchange(org(JOSEObjectType.JWT, idToken().issueTime(Date.from(now.plusSeconds(600))).build()), Map.of()),
                "invalid_grant", "future");
    }

    @Test
    void anIdTokenSignedByAnotherKeyIsRefused() {
        ECKey foreign = Fixtures.ecKey();
        refused(exchange(OAuthFixtures.sign(foreign, JOSEObjectType.JWT, idToken().build()), Map.of()), "invalid_grant", "signature");
    }

    @Test
    void audienceResourceAndConnectionMustFit() {
        String ok = org(JOSEObjectType.JWT, idToken().build());
        refused(exchange(ok, Map.of("audience", "https://elsewhere.example.com")), "invalid_target", "audience");
        refused(exchange(org(JOSEObjectType.JWT, idToken().build()), Map.of("resource", "https://not-governed.example.com/mcp")),
                "invalid_target", "not governed");
        var unconnected = of.serverWithResource(null, "identity_assertion", "ALL_SCOPES", List.of("*"));
        refused(exchange(org(JOSEObjectType.JWT, idToken().build()), Map.of("audience", unconnected.issuer(),
                "resource", unconnected.resource())), "invalid_target", "connection");
    }

    @Test
    void scopeOutsideTheConnectionIsInvalidScope() {
        refused(exchange(org(JOSEObjectType.JWT, idToken().build()), Map.of("scope", "projects.delete")),
                "invalid_scope", "requested scopes");
    }

    @Test
    void aSuspendedUserGetsNothing() {
        assertEquals(200, server.admin().post("/api/v1/users/" + w.user() + "/lifecycle/suspend", null).status());
        refused(exchange(org(JOSEObjectType.JWT, idToken().build()), Map.of()), "invalid_grant", "not active");
    }

    @Test
    void wrongTokenTypesAndMissingParametersAreInvalidRequest() {
        String ok = org(JOSEObjectType.JWT, idToken().build());
        refused(exchange(ok, Map.of("requested_token_type", "urn:ietf:params:oauth:token-type:access_token")),
                "invalid_request", "requested_token_type");
        refused(exchange(ok, Map.of("subject_token_type", "urn:ietf:params:oauth:token-type:saml2")),
                "invalid_request", "subject_token_type");
        var missing = new java.util.HashMap<String, String>();
        missing.put("audience", null);
        refused(exchange(ok, missing), "invalid_request", "audience");
    }

    // ---- JWT bearer at the resource authorization server ----

    @Test
    void aValidCraftedIdJagIsRedeemed() {
        Api.Resp r = redeem(org(ID_JAG, idJag().build()));
        assertEquals(200, r.status(), r.toString());
    }

    @Test
    void audienceMustBeThisIssuerAsOneValue() {
        refused(redeem(org(ID_JAG, idJag().audience(w.target().issuer() + "/v1/token").build())), "invalid_grant", "audience");
        refused(redeem(org(ID_JAG, idJag().audience(List.of(w.target().issuer(), "https://other.example.com")).build())),
                "invalid_grant", "exactly one");
    }

    @Test
    void algNoneAndHmacWithThePublicKeyAreRefused() throws Exception {
        refused(redeem(new PlainJWT(new PlainHeader.Builder().type(ID_JAG).build(), idJag().build()).serialize()),
                "invalid_grant", "");
        SignedJWT hs = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(ID_JAG).build(), idJag().build());
        String publicJwks = server.anonymous().get("/oauth2/v1/keys").raw();
        hs.sign(new MACSigner(publicJwks.repeat(2).getBytes(StandardCharsets.UTF_8)));
        refused(redeem(hs.serialize()), "invalid_grant", "not allowed");
    }

    @Test
    void anIdTokenIsNotAnIdJag() {
        refused(redeem(org(JOSEObjectType.JWT, idJag().build())), "invalid_grant", "wrong token type");
    }

    @Test
    void timeRules() {
        Instant now = Instant.now();
        refused(redeem(org(ID_JAG, idJag().expirationTime(Date.from(now.minusSeconds(300))).build())), "invalid_grant", "expired");
        refused(redeem(org(ID_JAG, idJag().issueTime(Date.from(now.plusSeconds(600))).expirationTime(Date.from(now.plusSeconds(700)))
                .build())), "invalid_grant", "future");
        refused(redeem(org(ID_JAG, idJag().expirationTime(Date.from(now.plusSeconds(3600))).build())), "invalid_grant", "5 minutes");
        refused(redeem(org(ID_JAG, idJag().issueTime(null).build())), "invalid_grant", "iat");
    }

    @Test
    void clientIdMustBeTheAuthenticatedClient() {
        refused(redeem(org(ID_JAG, idJag().claim("client_id", "agt_someoneElse0000000").build())), "invalid_grant", "client_id");
    }

    @Test
    void untrustedIssuersAreRefusedAndConfiguredOnesAccepted() throws Exception {
        ECKey external = Fixtures.ecKey();
        String issuer = "https://idp.partner.example.com";
        refused(redeem(OAuthFixtures.sign(external, ID_JAG, idJag().issuer(issuer).build())), "invalid_grant", "not trusted");

        HttpServer jwks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        byte[] body = new JWKSet(external.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
        jwks.createContext("/jwks", ex -> {
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        jwks.start();
        try {
            Api.Resp trust = server.admin().post("/api/v1/authorization-servers/" + w.target().serverId() + "/trusted-issuers",
                    Api.map("issuer", issuer, "jwks_uri", "http://127.0.0.1:" + jwks.getAddress().getPort() + "/jwks"));
            assertEquals(201, trust.status(), trust.toString());
            String email = server.admin().get("/api/v1/users/" + w.user()).body().path("email").asText();
            Api.Resp r = redeem(OAuthFixtures.sign(external, ID_JAG, idJag().issuer(issuer).subject("partner-user-1")
                    .claim("email", email).build()));
            assertEquals(200, r.status(), r.toString());
            refused(redeem(OAuthFixtures.sign(external, ID_JAG, idJag().issuer(issuer).subject("partner-user-2")
                    .claim("email", "nobody@example.org").build())), "invalid_grant", "resolved");
        } finally {
            jwks.stop(0);
        }
    }

    @Test
    void resourceAndScopeMustFit() {
        refused(redeem(org(ID_JAG, idJag().claim("resource", "https://not-governed.example.com/mcp").build())),
                "invalid_target", "not governed");
        var p = CrossAppAccessTest.redeem(w, org(ID_JAG, idJag().build()));
        p.put("scope", "tickets.write");
        Api.Resp r = of.post("/oauth2/" + w.target().serverId() + "/v1/token", p);
        refused(r, "invalid_scope", "not in the assertion");
    }

    @Test
    void subjectMustBeAnActiveUser() {
        refused(redeem(org(ID_JAG, idJag().subject("usr_doesNotExist00000000").build())), "invalid_grant", "resolved");
        assertEquals(200, server.admin().post("/api/v1/users/" + w.user() + "/lifecycle/deprovision", null).status());
        refused(redeem(org(ID_JAG, idJag().build())), "invalid_grant", "not active");
    }
}
