package dev.lanyard.server.oauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.lanyard.server.Fixtures;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the cache of verified signatures may skip (the signature check), and everything it must not. */
class VerifiedSignaturesTest {
    private static final List<JOSEObjectType> ID_TOKEN = List.of(JOSEObjectType.JWT);
    private final ECKey key = Fixtures.ecKey();
    private final JWKSet trusted = new JWKSet((JWK) key.toPublicJWK());
    private final VerifiedSignatures cache = new VerifiedSignatures();
    private final Instant now = Instant.parse("2026-12-07T12:00:00Z");

    private String token(ECKey by, Instant exp) {
        return OAuthFixtures.sign(by, JOSEObjectType.JWT, new JWTClaimsSet.Builder().issuer("https://lanyard.example")
                .subject("usr_0123456789abcdefghij").audience("agt_0123456789abcdefghij")
                .issueTime(Date.from(now)).expirationTime(Date.from(exp)).build());
    }

    private JWTClaimsSet verify(String token, JWKSet keys, Instant at, List<JOSEObjectType> types) {
        return SignedJwts.verify(SignedJwts.parse(token, IllegalArgumentException::new), types, keys, at,
                IllegalArgumentException::new, cache);
    }

    private static void refused(String part, Runnable check) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, check::run);
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }

    @Test
    void theSameTokenIsVerifiedOnceAndThenServedFromTheCache() {
        String t = token(key, now.plusSeconds(600));
        JWTClaimsSet first = verify(t, trusted, now, ID_TOKEN);
        assertEquals(1, cache.size());
        assertSame(first, verify(t, trusted, now.plusSeconds(5), ID_TOKEN), "a second parse would give new claims");
        JWTClaimsSet uncached = SignedJwts.verify(SignedJwts.parse(t, IllegalArgumentException::new), ID_TOKEN, trusted,
                now, IllegalArgumentException::new);
        assertNotSame(first, uncached);
        assertEquals(first.toJSONObject(), uncached.toJSONObject());
    }

    @Test
    void timeRulesApplyAtEveryUse() {
        String t = token(key, now.plusSeconds(600));
        verify(t, trusted, now, ID_TOKEN);
        refused("expired", () -> verify(t, trusted, now.plusSeconds(600).plus(JwtRules.SKEW).plusSeconds(1), ID_TOKEN));
    }

    @Test
    void theTypRuleAppliesAtEveryUse() {
        String t = token(key, now.plusSeconds(600));
        verify(t, trusted, now, ID_TOKEN);
        refused("wrong token type", () -> verify(t, trusted, now, List.of(new JOSEObjectType("at+jwt"))));
    }

    @Test
    void aKeyNoLongerTrustedIsNotTrustedThroughTheCache() {
        String t = token(key, now.plusSeconds(600));
        verify(t, trusted, now, ID_TOKEN);
        JWKSet rotated = new JWKSet((JWK) Fixtures.ecKey().toPublicJWK());
        refused("signature", () -> verify(t, rotated, now, ID_TOKEN));
    }

    @Test
    void refusedTokensAreNotKeptAndATamperedCopyIsCheckedAfresh() {
        refused("signature", () -> verify(token(Fixtures.ecKey(), now.plusSeconds(600)), trusted, now, ID_TOKEN));
        refused("expired", () -> verify(token(key, now.minusSeconds(600)), trusted, now, ID_TOKEN));
        assertEquals(0, cache.size());

        String t = token(key, now.plusSeconds(600));
        verify(t, trusted, now, ID_TOKEN);
        String[] parts = t.split("\\.");
        String otherSubject = new String(Base64.getUrlDecoder().decode(parts[1]), java.nio.charset.StandardCharsets.UTF_8)
                .replace("usr_0123456789abcdefghij", "usr_9123456789abcdefghij");
        String tampered = parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(otherSubject.getBytes(java.nio.charset.StandardCharsets.UTF_8)) + "." + parts[2];
        refused("signature", () -> verify(tampered, trusted, now, ID_TOKEN));
        assertEquals(1, cache.size());
    }

    @Test
    void theCacheStaysBounded() {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().build();
        for (int i = 0; i <= VerifiedSignatures.CAPACITY; i++) {
            cache.put("token-" + i, key.toPublicJWK(), claims);
        }
        assertTrue(cache.size() <= VerifiedSignatures.CAPACITY, "size " + cache.size());
    }
}
