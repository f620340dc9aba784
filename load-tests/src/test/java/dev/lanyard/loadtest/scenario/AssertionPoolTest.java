package dev.lanyard.loadtest.scenario;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.lanyard.loadtest.engine.LoadSpec;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AssertionPoolTest {

    private static final String AGENT = "agt_0123456789abcdefghij";
    private static final String AUDIENCE = "http://127.0.0.1:8080/oauth2/aus_0123456789abcdefghij";

    /** A clock the test moves by hand. */
    private static final class ManualClock extends Clock {
        Instant now = Instant.parse("2026-11-23T15:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final ECKey key = ClientAssertionSigner.newKey();
    private final ManualClock clock = new ManualClock();
    private final ClientAssertionSigner signer = new ClientAssertionSigner(key, AGENT, AUDIENCE, clock);

    @Test
    void everyAssertionIsValidForTheServerAndHasItsOwnJti() throws Exception {
        AssertionPool pool = AssertionPool.sign(signer, 200, clock);
        Set<String> jtis = new HashSet<>();
        ECDSAVerifier verifier = new ECDSAVerifier(key.toPublicJWK());
        for (int i = 0; i < 200; i++) {
            SignedJWT jwt = SignedJWT.parse(pool.next());
            assertTrue(jwt.verify(verifier), "signed with the registered key");
            assertEquals(JWSAlgorithm.ES256, jwt.getHeader().getAlgorithm());
            assertEquals(key.getKeyID(), jwt.getHeader().getKeyID());
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            assertEquals(AGENT, claims.getIssuer());
            assertEquals(AGENT, claims.getSubject());
            assertEquals(List.of(AUDIENCE), claims.getAudience());
            assertEquals(clock.now, claims.getIssueTime().toInstant());
            assertEquals(clock.now.plus(Duration.ofMinutes(5)), claims.getExpirationTime().toInstant(),
                    "exp exactly the five minutes the server allows");
            assertTrue(jtis.add(claims.getJWTID()), "jti repeated: " + claims.getJWTID());
            assertTrue(claims.getJWTID().endsWith("-" + i), "handed out in signing order");
            // The server wants aud as ONE value; a one-element JSON array is not what we promise.
            String payload = new String(Base64.getUrlDecoder().decode(jwt.serialize().split("\\.")[1]), StandardCharsets.UTF_8);
            assertInstanceOf(String.class, new JsonObject(payload).getValue("aud"));
        }
        assertEquals(0, pool.remaining());
    }

    @Test
    void twoPoolsNeverShareAJti() throws Exception {
        AssertionPool a = AssertionPool.sign(signer, 20, clock);
        AssertionPool b = AssertionPool.sign(signer, 20, clock);
        Set<String> jtis = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            assertTrue(jtis.add(SignedJWT.parse(a.next()).getJWTClaimsSet().getJWTID()));
            assertTrue(jtis.add(SignedJWT.parse(b.next()).getJWTClaimsSet().getJWTID()));
        }
    }

    @Test
    void anExhaustedPoolFailsClearlyInsteadOfSigning() {
        AssertionPool pool = AssertionPool.sign(signer, 3, clock);
        List<String> handed = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            handed.add(pool.next());
        }
        assertEquals(3, new HashSet<>(handed).size());
        IllegalStateException e = assertThrows(IllegalStateException.class, pool::next);
        assertTrue(e.getMessage().contains("exhausted after 3"), e.getMessage());
        assertThrows(IllegalStateException.class, pool::next, "stays exhausted");
    }

    @Test
    void expiredAssertionsAreNotHandedOut() {
        AssertionPool pool = AssertionPool.sign(signer, 5, clock);
        pool.next();
        clock.now = clock.now.plus(Duration.ofMinutes(5));
        IllegalStateException e = assertThrows(IllegalStateException.class, pool::next);
        assertTrue(e.getMessage().contains("expired"), e.getMessage());
    }

    @Test
    void aRunMustEndWithinTheAssertionsLifetime() {
        AssertionPool pool = AssertionPool.sign(signer, 5, clock);
        pool.requireLifetimeFor(LoadSpec.closed(32, Duration.ofSeconds(5), Duration.ofSeconds(20)));
        clock.now = clock.now.plus(Duration.ofMinutes(4));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> pool.requireLifetimeFor(LoadSpec.closed(32, Duration.ofSeconds(5), Duration.ofSeconds(60))));
        assertTrue(e.getMessage().contains("shorten"), e.getMessage());
    }

    @Test
    void poolIsSizedForWarmupPlusDurationAtThePlannedRateWithinBounds() {
        assertEquals(8 * 5_000 + 32 + 10, AssertionPool.plannedSize(LoadSpec.closed(32, Duration.ofSeconds(3), Duration.ofSeconds(5))));
        assertEquals(95 * 2_000 + 32 + 10, AssertionPool.plannedSize(LoadSpec.rate(2_000, 32, Duration.ofSeconds(75), Duration.ofSeconds(20))));
        assertEquals(300_000, AssertionPool.plannedSize(LoadSpec.closed(32, Duration.ofSeconds(5), Duration.ofMinutes(2))));
        assertEquals(1_000, AssertionPool.plannedSize(LoadSpec.closed(1, Duration.ZERO, Duration.ofMillis(10))));
        assertEquals(25 * 1_000 + 32 + 10, AssertionPool.plannedSize(LoadSpec.rate(1_000, 32, Duration.ofSeconds(5), Duration.ofSeconds(20))));
    }
}
