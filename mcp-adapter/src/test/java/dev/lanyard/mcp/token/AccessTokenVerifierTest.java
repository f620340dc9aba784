package dev.lanyard.mcp.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.PlainHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.lanyard.mcp.http.JdkHttpFetcher;
import dev.lanyard.mcp.killswitch.Revocation;
import dev.lanyard.mcp.killswitch.RevocationList;
import dev.lanyard.mcp.support.LocalIssuer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Real ES256 tokens, a real JWKS and metadata over HTTP; every refusal path of RFC 9068 §4 and the kill switch. */
class AccessTokenVerifierTest {
    private LocalIssuer as;
    private RevocationList revocations;
    private AccessTokenVerifier verifier;
    /** The verifier's notion of "now" for key refresh rate limiting, moved by hand. */
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    @BeforeEach
    void setUp() throws Exception {
        as = new LocalIssuer();
        revocations = new RevocationList(Clock.systemUTC(), Duration.ofHours(1));
        verifier = verifier(as.issuer());
    }

    private AccessTokenVerifier verifier(String issuer) {
        IssuerKeys keys = new IssuerKeys(issuer, null, JdkHttpFetcher.create(), Duration.ofSeconds(30), Duration.ofMinutes(5),
                nanos::get);
        return new AccessTokenVerifier(AccessTokenVerifier.Settings.defaults(issuer, LocalIssuer.RESOURCE), keys, revocations,
                Clock.systemUTC(), Runnable::run);
    }

    @AfterEach
    void tearDown() {
        as.close();
    }

    private VerifiedToken verify(String token) {
        return verifier.verify(token).toCompletableFuture().join();
    }

    private void assertRefused(String token, String description) {
        CompletionException e = assertThrows(CompletionException.class, () -> verify(token));
        InvalidTokenException bad = assertInstanceOf(InvalidTokenException.class, e.getCause(), e.toString());
        assertTrue(bad.getMessage().contains(description), bad.getMessage());
    }

    @Test
    void aGoodTokenVerifiesAndItsClaimsAreRead() {
        Map<String, Object> act = Map.of("sub", "agt_1");
        String token = as.sign(as.claims("usr_9", "tickets:read tickets:write").claim("client_id", "agt_1")
                .claim("agent_id", "agt_1").claim("act", act).build());
        VerifiedToken t = verify(token);
        assertEquals(as.issuer(), t.issuer());
        assertEquals("usr_9", t.subject());
        assertEquals("agt_1", t.clientId());
        assertEquals("agt_1", t.agentId());
        assertEquals(List.of("tickets:read", "tickets:write"), t.scopes());
        assertEquals("usr_9", t.principalId(), "the user the agent acts for");
        assertEquals(act, t.act());
        assertTrue(t.sessionId().startsWith("ses_"));
        assertEquals(List.of("tickets:write"), verify(as.token("agt_2", "tickets:read")).missingScopes(List.of("tickets:write")));
        assertNull(verify(as.token("agt_2", "x")).principalId(), "an agent acting for itself has no principal");
        assertEquals(1, as.metadataRequests.get(), "metadata read once");
        assertEquals(1, as.jwksRequests.get(), "keys fetched once and kept");
    }

    @Test
    void lifetimeChecks() {
        Instant now = Instant.now();
        assertRefused(as.sign(as.claims("agt_1", "s").expirationTime(Date.from(now.minusSeconds(31))).build()), "expired");
        // within the 30 s skew an expired token still passes: clocks of different machines disagree a little
        verify(as.sign(as.claims("agt_1", "s").expirationTime(Date.from(now.minusSeconds(5))).build()));
        assertRefused(as.sign(as.claims("agt_1", "s").notBeforeTime(Date.from(now.plusSeconds(120))).build()), "not yet valid");
        assertRefused(as.sign(as.claims("agt_1", "s").issueTime(Date.from(now.plusSeconds(600))).build()), "future");
        assertRefused(as.sign(as.claims("agt_1", "s").expirationTime(null).build()), "missing claim exp");
        assertRefused(as.sign(as.claims("agt_1", "s").issueTime(null).build()), "missing claim iat");
    }

    @Test
    void audienceIssuerAndRequiredClaims() {
        assertRefused(as.sign(as.claims("agt_1", "s").audience("https://other.example.test/mcp").build()), "audience");
        assertRefused(as.sign(as.claims("agt_1", "s").audience(List.of()).build()), "audience");
        // several audiences are fine as long as this resource is one of them
        verify(as.sign(as.claims("agt_1", "s").audience(List.of("https://other.example.test/mcp", LocalIssuer.RESOURCE)).build()));
        assertRefused(as.sign(as.claims("agt_1", "s").issuer(as.issuer() + "/other").build()), "wrong issuer");
        assertRefused(as.sign(as.claims("agt_1", "s").jwtID(null).build()), "missing claim jti");
        assertRefused(as.sign(as.claims("agt_1", "s").claim("client_id", null).build()), "missing claim client_id");
        assertRefused(as.sign(as.claims("agt_1", "s").subject(null).build()), "missing claim sub");
        assertRefused(as.sign(as.claims("agt_1", "s").claim("scope", 42).build()), "malformed claim scope");
    }

    @Test
    void typeAlgorithmAndSignatureChecks() throws Exception {
        JWTClaimsSet good = as.claims("agt_1", "s").build();
        // an ID token or plain JWT of the same issuer and keys is not an access token
        assertRefused(LocalIssuer.sign(as.signingKey(), JOSEObjectType.JWT, good), "typ must be at+jwt");
        assertRefused(LocalIssuer.sign(as.signingKey(), null, good), "typ must be at+jwt");
        assertRefused(LocalIssuer.sign(as.signingKey(), new JOSEObjectType("oauth-id-jag+jwt"), good), "typ must be at+jwt");
        // application/at+jwt is the same media type (RFC 9068 §4)
        verify(LocalIssuer.sign(as.signingKey(), new JOSEObjectType("application/at+jwt"), as.claims("agt_1", "s").build()));
        // alg none
        assertRefused(new PlainJWT(new PlainHeader.Builder().type(new JOSEObjectType("at+jwt")).build(), good).serialize(), "unsigned");
        // HS256 "signed" with the public key as the shared secret (algorithm confusion)
        SignedJWT hs = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(new JOSEObjectType("at+jwt"))
                .keyID(as.signingKey().getKeyID()).build(), good);
        hs.sign(new MACSigner(as.signingKey().toPublicJWK().toJSONString().repeat(2).getBytes()));
        assertRefused(hs.serialize(), "algorithm not allowed");
        // a key the issuer never published, claiming the id of one it did
        var forged = LocalIssuer.newKey();
        String forgedToken = LocalIssuer.sign(new com.nimbusds.jose.jwk.ECKey.Builder(forged).keyID(as.signingKey().getKeyID()).build(),
                new JOSEObjectType("at+jwt"), good);
        assertRefused(forgedToken, "signature invalid");
        // an RS256 token whose kid names the EC key: key type must fit the algorithm
        RSAKey rsa = new RSAKeyGenerator(2048).keyID(as.signingKey().getKeyID()).generate();
        SignedJWT rs = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(new JOSEObjectType("at+jwt"))
                .keyID(as.signingKey().getKeyID()).build(), good);
        rs.sign(new RSASSASigner(rsa));
        assertRefused(rs.serialize(), "does not fit");
        // a tampered payload
        String[] parts = as.token("agt_1", "s").split("\\.");
        String other = as.token("agt_1", "s projects:admin").split("\\.")[1];
        assertRefused(parts[0] + "." + other + "." + parts[2], "signature invalid");
    }

    @Test
    void malformedTokens() {
        assertRefused("", "malformed");
        assertRefused("not-a-jwt", "malformed");
        assertRefused("a.b.c", "malformed");
        assertRefused("eyJhbGciOiJFUzI1NiIsInR5cCI6ImF0K2p3dCJ9.bm90IGpzb24.c2ln", "malformed");
        assertRefused("x".repeat(AccessTokenVerifier.MAX_TOKEN_LENGTH + 1), "malformed");
    }

    @Test
    void unknownKeyIdRefreshesTheKeySetOnceThenIsRateLimited() {
        verify(as.token("agt_1", "s"));
        assertEquals(1, as.jwksRequests.get());
        // the issuer rotates: the first token with the new kid makes the verifier fetch the keys again
        as.rotate();
        nanos.addAndGet(Duration.ofSeconds(31).toNanos());
        verify(as.token("agt_1", "s"));
        assertEquals(2, as.jwksRequests.get());
        // a made-up kid right after: refused without another fetch (rate limit), and again and again
        var stranger = LocalIssuer.newKey();
        String unknown = LocalIssuer.sign(stranger, new JOSEObjectType("at+jwt"), as.claims("agt_1", "s").build());
        assertRefused(unknown, "unknown signing key");
        assertRefused(unknown, "unknown signing key");
        assertEquals(2, as.jwksRequests.get(), "no fetch within the minimum refresh interval");
        // once the interval has passed, an unknown kid may fetch again
        nanos.addAndGet(Duration.ofSeconds(31).toNanos());
        assertRefused(LocalIssuer.sign(stranger, new JOSEObjectType("at+jwt"), as.claims("agt_1", "s").build()), "unknown signing key");
        assertEquals(3, as.jwksRequests.get());
    }

    @Test
    void metadataNamingAnotherIssuerIsNotTrusted() {
        as.lieAboutIssuer("https://evil.example.test");
        CompletionException e = assertThrows(CompletionException.class, () -> verify(as.token("agt_1", "s")));
        assertInstanceOf(KeysUnavailableException.class, e.getCause());
        assertTrue(e.getCause().getMessage().contains("names issuer"), e.getCause().getMessage());
    }

    @Test
    void unreachableIssuerMakesKeysUnavailableNotTheTokenInvalid() {
        AccessTokenVerifier nowhere = verifier("http://127.0.0.1:9/oauth2/aus_none");
        String t = LocalIssuer.sign(as.signingKey(), new JOSEObjectType("at+jwt"),
                as.claims("agt_1", "s").issuer("http://127.0.0.1:9/oauth2/aus_none").build());
        CompletionException e = assertThrows(CompletionException.class, () -> nowhere.verify(t).toCompletableFuture().join());
        assertInstanceOf(KeysUnavailableException.class, e.getCause());
    }

    @Test
    void aRememberedTokenIsStillCheckedForRevocation() {
        String token = as.token("agt_7", "s");
        verify(token);
        verify(token);
        revocations.apply(new Revocation(1, "agent.deactivated", Instant.now().plusSeconds(1), "agt_7", null, null, null, null, null));
        assertRefused(token, "agent deactivated");
        // other agents are not affected
        verify(as.token("agt_8", "s"));
        // a revoked jti
        String other = as.token("agt_8", "s");
        VerifiedToken t = verify(other);
        revocations.apply(new Revocation(2, "oauth.token.revoked", Instant.now(), null, null, null, null, t.jti(), null));
        assertRefused(other, "token revoked");
    }
}
