package dev.lanyard.loadtest.scenario;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.security.Provider;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;

/**
 * Signs private_key_jwt client assertions (RFC 7523) the way the server's {@code ClientAssertionVerifier} wants them:
 * {@code iss} = {@code sub} = the agent id, {@code aud} one string naming the server, {@code exp} five minutes ahead
 * (the most it accepts), a {@code jti} the caller makes unique, ES256 with the agent's registered key.
 */
public final class ClientAssertionSigner {

    /** The server refuses an assertion whose {@code exp} is more than five minutes ahead. */
    public static final Duration LIFETIME = Duration.ofMinutes(5);

    private final ECKey key;
    private final ECDSASigner signer;
    private final String clientId;
    private final String audience;
    private final Clock clock;

    public ClientAssertionSigner(ECKey key, String clientId, String audience, Clock clock) {
        this.key = key;
        this.clientId = clientId;
        this.audience = audience;
        this.clock = clock;
        try {
            this.signer = new ECDSASigner(key);
        } catch (JOSEException e) {
            throw new IllegalArgumentException("not a usable EC signing key", e);
        }
        NATIVE.ifPresent(p -> signer.getJCAContext().setProvider(p));
    }

    /**
     * AWS-LC (the provider the server signs with) when its native library loads here: pre-signing 300,000 assertions
     * takes seconds instead of the two minutes the JDK's own ECDSA needs on JDK 17. Empty elsewhere, and then the
     * JDK signs.
     */
    static final Optional<Provider> NATIVE = nativeProvider();

    private static Optional<Provider> nativeProvider() {
        try {
            var accp = com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider.INSTANCE;
            if (accp.getLoadingError() != null) {
                return Optional.empty();
            }
            accp.assertHealthy();
            return Optional.of(accp);
        } catch (RuntimeException | LinkageError e) {
            return Optional.empty();
        }
    }

    /** A fresh P-256 key whose {@code kid} is its RFC 7638 thumbprint (what the server would default it to). */
    public static ECKey newKey() {
        try {
            return new ECKeyGenerator(Curve.P_256).keyIDFromThumbprint(true).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot generate a P-256 key", e);
        }
    }

    public String clientId() {
        return clientId;
    }

    public String audience() {
        return audience;
    }

    /** Signs one assertion; safe to call from several threads (the JCA signature object is made per call). */
    public String sign(String jti) {
        Instant now = clock.instant();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(clientId).subject(clientId).audience(audience)
                .jwtID(jti).issueTime(Date.from(now)).expirationTime(Date.from(now.plus(LIFETIME)))
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(), claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a client assertion", e);
        }
        return jwt.serialize();
    }
}
