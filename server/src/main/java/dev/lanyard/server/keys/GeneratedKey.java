package dev.lanyard.server.keys;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.nio.charset.StandardCharsets;

/** A freshly generated signing key: its public JWK, and its private JWK encrypted under the master key. */
record GeneratedKey(String kid, String alg, JWK publicJwk, byte[] privateEncrypted) {

    /** CPU-heavy for RSA: call on a worker thread. The kid is the RFC 7638 thumbprint of the public key. */
    static GeneratedKey generate(String alg, MasterKey master) {
        try {
            JWK key = switch (alg) {
                case "ES256" -> new ECKeyGenerator(Curve.P_256).keyUse(KeyUse.SIGNATURE)
                        .algorithm(JWSAlgorithm.ES256).keyIDFromThumbprint(true).generate();
                case "RS256" -> new RSAKeyGenerator(2048).keyUse(KeyUse.SIGNATURE)
                        .algorithm(JWSAlgorithm.RS256).keyIDFromThumbprint(true).generate();
                default -> throw new IllegalArgumentException("unsupported signing algorithm " + alg);
            };
            byte[] sealed = master.encrypt(key.toJSONString().getBytes(StandardCharsets.UTF_8), key.getKeyID());
            return new GeneratedKey(key.getKeyID(), alg, key.toPublicJWK(), sealed);
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot generate a " + alg + " key", e);
        }
    }
}
