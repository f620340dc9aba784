package dev.lanyard.server.agents;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyOperation;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import java.text.ParseException;
import java.util.Map;
import java.util.Set;

/**
 * The rules for a key an agent signs its client assertions with: a public JWK, RSA of at least 2048 bits or EC on
 * P-256/P-384, for signatures only; {@code alg}, if given, must fit the key; {@code kid} defaults to the RFC 7638
 * thumbprint. Anything carrying private parameters is refused outright: an admin pasting a private key must learn
 * at once that it never belongs here. Certificate members (x5u, x5c, x5t#S256) are dropped: we never fetch or trust
 * them, and serving back a URL someone stored would only help a phishing attempt.
 */
public record AgentPublicKey(JWK jwk, String kid, String alg) {
    private static final Set<String> PRIVATE_MEMBERS = Set.of("d", "p", "q", "dp", "dq", "qi", "oth", "k");
    private static final Set<JWSAlgorithm> RSA_ALGS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
            JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512);

    public static AgentPublicKey parse(Map<String, Object> members) {
        for (String m : PRIVATE_MEMBERS) {
            if (members.containsKey(m)) {
                throw new IllegalArgumentException("the JWK carries private key material ('" + m
                        + "'); register only the public key");
            }
        }
        JWK jwk;
        try {
            jwk = JWK.parse(members);
        } catch (ParseException e) {
            throw new IllegalArgumentException("not a valid JWK: " + e.getMessage());
        }
        if (jwk.isPrivate()) {
            throw new IllegalArgumentException("the JWK carries private key material; register only the public key");
        }
        if (jwk.getKeyUse() != null && !KeyUse.SIGNATURE.equals(jwk.getKeyUse())) {
            throw new IllegalArgumentException("use must be 'sig'");
        }
        if (jwk.getKeyOperations() != null && !Set.of(KeyOperation.VERIFY).containsAll(jwk.getKeyOperations())) {
            throw new IllegalArgumentException("key_ops may only contain 'verify'");
        }
        String alg = jwk.getAlgorithm() == null ? null : jwk.getAlgorithm().getName();
        if (jwk instanceof RSAKey rsa) {
            if (rsa.size() < 2048) {
                throw new IllegalArgumentException("RSA keys must be at least 2048 bits (this one has " + rsa.size() + ")");
            }
            if (alg != null && !RSA_ALGS.contains(JWSAlgorithm.parse(alg))) {
                throw new IllegalArgumentException("alg " + alg + " does not fit an RSA key (use RS256/384/512 or PS256/384/512)");
            }
        } else if (jwk instanceof ECKey ec) {
            Curve crv = ec.getCurve();
            JWSAlgorithm fits;
            if (Curve.P_256.equals(crv)) {
                fits = JWSAlgorithm.ES256;
            } else if (Curve.P_384.equals(crv)) {
                fits = JWSAlgorithm.ES384;
            } else {
                throw new IllegalArgumentException("EC keys must be on P-256 or P-384");
            }
            if (alg != null && !fits.getName().equals(alg)) {
                throw new IllegalArgumentException("alg " + alg + " does not fit a " + crv.getName() + " key (use " + fits + ")");
            }
        } else {
            throw new IllegalArgumentException("kty must be RSA or EC");
        }
        try {
            String kid = jwk.getKeyID() != null ? jwk.getKeyID() : jwk.computeThumbprint().toString();
            if (kid.isEmpty() || kid.length() > 200) {
                throw new IllegalArgumentException("kid must be 1 to 200 characters");
            }
            JWK normalised = rebuild(jwk, kid);
            return new AgentPublicKey(normalised, kid, alg);
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new IllegalArgumentException("cannot compute the key's thumbprint: " + e.getMessage());
        }
    }

    private static JWK rebuild(JWK jwk, String kid) {
        if (jwk instanceof RSAKey rsa) {
            return new RSAKey.Builder(rsa.toPublicJWK()).keyID(kid).keyUse(KeyUse.SIGNATURE).keyOperations(null)
                    .x509CertURL(null).x509CertChain(null).x509CertSHA256Thumbprint(null).build();
        }
        ECKey ec = (ECKey) jwk;
        return new ECKey.Builder(ec.toPublicJWK()).keyID(kid).keyUse(KeyUse.SIGNATURE).keyOperations(null)
                    .x509CertURL(null).x509CertChain(null).x509CertSHA256Thumbprint(null).build();
    }
}
