package dev.lanyard.server.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
import dev.lanyard.server.oauth.TokenSigner;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.Date;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SigningKeysTest {
    private final TestServer server = TestServer.shared();
    private final Api api = server.admin();
    private final Fixtures fx = new Fixtures(api);

    static JWKSet jwks(String url) {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            assertEquals("max-age=300", r.headers().firstValue("Cache-Control").orElse(null));
            return JWKSet.parse(r.body());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static JWTClaimsSet verify(String token, JWKSet keys, String issuer, String audience) throws Exception {
        DefaultJWTProcessor<SecurityContext> p = new DefaultJWTProcessor<>();
        p.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(new JOSEObjectType("at+jwt")));
        p.setJWSKeySelector(new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.ES256, JWSAlgorithm.RS256),
                new ImmutableJWKSet<>(keys)));
        p.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(audience,
                new JWTClaimsSet.Builder().issuer(issuer).build(), Set.of("exp", "sub")));
        return p.process(token, null);
    }

    static JWTClaimsSet claims(String issuer, String audience) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().issuer(issuer).subject("agt_test").audience(audience)
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(300)))
                .jwtID(UUID.randomUUID().toString()).build();
    }

    static String sign(TestServer server, String serverId, String issuer) {
        SigningKeys keys = server.server().signingKeys();
        keys.ensure(serverId).toCompletionStage().toCompletableFuture().join();
        return keys.sign(serverId, new JOSEObjectType("at+jwt"), claims(issuer, "https://rs.example.com"));
    }

    @Test
    void theOrgJwksHoldsPublicKeysOnlyAndVerifiesWhatTheSignerSigns() throws Exception {
        JWKSet published = jwks(server.baseUrl() + "/oauth2/v1/keys");
        assertTrue(published.getKeys().size() >= 1);
        published.getKeys().forEach(k -> {
            assertFalse(k.isPrivate(), k.getKeyID());
            assertEquals("sig", k.getKeyUse().identifier());
            assertTrue(k.getKeyID() != null && !k.getKeyID().isEmpty());
        });
        String token = sign(server, TokenSigner.ORG, server.baseUrl());
        SignedJWT jwt = SignedJWT.parse(token);
        assertEquals(JWSAlgorithm.ES256, jwt.getHeader().getAlgorithm());
        assertEquals("at+jwt", jwt.getHeader().getType().getType());
        assertTrue(published.getKeyByKeyId(jwt.getHeader().getKeyID()) != null);
        assertEquals("agt_test", verify(token, published, server.baseUrl(), "https://rs.example.com").getSubject());
    }

    @Test
    void rotationKeepsTheOldKeyPublishedAndSignsWithTheNewOne() throws Exception {
        String aus = new dev.lanyard.server.oidc.TestAuthServers(server).create("ACTIVE", "a.read");
        String issuer = server.baseUrl() + "/oauth2/" + aus;
        String jwksUrl = issuer + "/v1/keys";
        String before = sign(server, aus, issuer);
        String oldKid = SignedJWT.parse(before).getHeader().getKeyID();

        Api.Resp rotated = api.post("/api/v1/signing-keys/" + aus + "/rotate", null);
        assertEquals(201, rotated.status(), rotated.toString());
        String newKid = rotated.body().path("kid").asText();
        assertNotEquals(oldKid, newKid);
        assertEquals("CURRENT", rotated.body().path("status").asText());

        String after = sign(server, aus, issuer);
        assertEquals(newKid, SignedJWT.parse(after).getHeader().getKeyID());
        JWKSet published = jwks(jwksUrl);
        assertEquals(2, published.getKeys().size());
        // tokens signed before and after the rotation both verify against the published set
        verify(before, published, issuer, "https://rs.example.com");
        verify(after, published, issuer, "https://rs.example.com");

        Api.Resp list = api.get("/api/v1/signing-keys/" + aus);
        assertEquals(200, list.status());
        assertEquals(2, list.body().size());
        JsonNode retired = list.body().get(1);
        assertEquals(oldKid, retired.path("kid").asText());
        assertEquals("RETIRED", retired.path("status").asText());
        assertTrue(retired.path("published").asBoolean());
        assertFalse(retired.path("retired_at").isNull());
        assertFalse(list.raw().contains("\"d\""), "private material in the listing");
        assertTrue(fx.auditTypes(aus).containsAll(java.util.List.of("signing_key.created", "signing_key.rotated")));

        // once retired for longer than the longest token lifetime, the old key leaves the JWKS
        try (var c = server.jdbc(); PreparedStatement st = c.prepareStatement(
                "UPDATE signing_keys SET retired_at = now() - interval '3601 seconds' WHERE kid = ?")) {
            st.setString(1, oldKid);
            st.executeUpdate();
        }
        api.post("/api/v1/signing-keys/" + aus + "/rotate", null);
        JWKSet later = jwks(jwksUrl);
        assertTrue(later.getKeyByKeyId(oldKid) == null);
        assertTrue(later.getKeyByKeyId(newKid) != null);
        assertEquals(2, later.getKeys().size());
    }

    @Test
    void aNewResourceServerGetsItsKeyWithoutBeingAsked() throws Exception {
        String aus = new dev.lanyard.server.oidc.TestAuthServers(server).create("ACTIVE", "b.read");
        SigningKeys keys = server.server().signingKeys();
        long deadline = System.currentTimeMillis() + 5000;
        while (keys.publicKeys(aus).getKeys().isEmpty()) {
            assertTrue(System.currentTimeMillis() < deadline, "no key was made for the new server");
            Thread.sleep(20);
        }
        assertEquals(1, keys.publicKeys(aus).getKeys().size());
        String token = keys.sign(aus, new JOSEObjectType("at+jwt"), claims("https://x", "https://rs.example.com"));
        assertEquals(keys.publicKeys(aus).getKeys().get(0).getKeyID(), SignedJWT.parse(token).getHeader().getKeyID());
        try (var c = server.jdbc(); PreparedStatement st = c.prepareStatement(
                "SELECT count(*) FROM signing_keys WHERE server_id = ? AND status = 'CURRENT'")) {
            st.setString(1, aus);
            var rs = st.executeQuery();
            rs.next();
            assertEquals(1, rs.getLong(1));
        }
    }

    @Test
    void privateKeysAreCiphertextInTheDatabase() throws Exception {
        try (var c = server.jdbc(); var rs = c.createStatement().executeQuery(
                "SELECT kid, public_jwk, private_encrypted FROM signing_keys")) {
            int n = 0;
            while (rs.next()) {
                n++;
                byte[] sealed = rs.getBytes("private_encrypted");
                String asText = new String(sealed, StandardCharsets.ISO_8859_1);
                assertFalse(asText.contains("\"d\""), "plaintext JWK stored");
                assertFalse(asText.contains(rs.getString("kid")));
                assertFalse(rs.getString("public_jwk").contains("\"d\""));
                assertTrue(sealed.length > 12 + 16);
            }
            assertTrue(n >= 1);
        }
    }

    @Test
    void unknownServersAre404() {
        assertEquals(404, api.get("/api/v1/signing-keys/aus_AAAAAAAAAAAAAAAAAAAA").status());
        assertEquals(404, api.post("/api/v1/signing-keys/bogus/rotate", null).status());
        assertEquals(401, server.anonymous().get("/api/v1/signing-keys/org").status());
        Api.Resp org = api.get("/api/v1/signing-keys/org");
        assertEquals(200, org.status());
        assertEquals("CURRENT", org.body().get(0).path("status").asText());
    }
}
