package dev.lanyard.server.oauth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import dev.lanyard.server.keys.EcdsaProvider;
import java.time.Duration;
import java.util.Set;

/**
 * Rules every JWT we accept shares: an explicit allow-list of asymmetric algorithms (never {@code none}, never HMAC,
 * so a public key can't be abused as a MAC secret), the key type must fit the algorithm, and one clock skew.
 */
public final class JwtRules {
    public static final Duration SKEW = Duration.ofSeconds(60);
    public static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.ES256, JWSAlgorithm.ES384,
            JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
            JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512);

    private JwtRules() {}

    public static boolean allowed(JWSAlgorithm alg) {
        return alg != null && ALGORITHMS.contains(alg);
    }

    /** A verifier for {@code key} under {@code alg}, or null when the key can't verify that algorithm. */
    public static JWSVerifier verifier(JWK key, JWSAlgorithm alg) {
        try {
            if (key instanceof ECKey ec && JWSAlgorithm.Family.EC.contains(alg)) {
                boolean curveFits = (alg.equals(JWSAlgorithm.ES256) && "P-256".equals(ec.getCurve().getName()))
                        || (alg.equals(JWSAlgorithm.ES384) && "P-384".equals(ec.getCurve().getName()));
                return curveFits ? EcdsaProvider.verifier(ec) : null;
            }
            if (key instanceof RSAKey rsa && JWSAlgorithm.Family.RSA.contains(alg)) {
                return new RSASSAVerifier(rsa);
            }
        } catch (com.nimbusds.jose.JOSEException e) {
            return null;
        }
        return null;
    }
}
