package dev.lanyard.server.keys;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.Provider;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * ECDSA signing and verification on BouncyCastle, with keys held in BouncyCastle's own form. ES256 is the default
 * signing algorithm and the usual agent key type, so one signature check and one signature bound every token
 * request. Measured with {@code EcdsaBenchmark} on the project's two-core machine (docs/benchmarks.md, token
 * endpoints): SunEC signs P-256 in ≈ 0.74 ms and verifies in ≈ 1.05 ms on JDK 17 (≈ 0.15 / 0.50 ms on JDK 25);
 * BouncyCastle, given its own key objects, does either in ≈ 0.1 ms on both JDKs.
 *
 * <p>The key form matters as much as the provider: handed a JDK key, BouncyCastle converts it on every
 * {@code init}, with a fresh curve generator whose multiplication tables it then rebuilds, which triples the cost.
 * So keys are translated once, signers are made once per signing key, and verifiers are kept per public key.
 *
 * <p>The provider instance is private to Lanyard: it is never installed in {@link java.security.Security}, so
 * nothing else in the process changes provider.
 */
public final class EcdsaProvider {
    private static final Provider BOUNCY_CASTLE = new BouncyCastleProvider();
    /** Agent keys plus server keys of a large deployment; past this the cache starts over rather than grow. */
    static final int MAX_CACHED_VERIFIERS = 10_000;
    private static final ConcurrentHashMap<ECKey, ECDSAVerifier> VERIFIERS = new ConcurrentHashMap<>();

    private EcdsaProvider() {}

    /** A verifier for {@code key}'s public part; the same instance for equal keys while it is cached. */
    public static ECDSAVerifier verifier(ECKey key) throws JOSEException {
        ECDSAVerifier known = VERIFIERS.get(key);
        if (known != null) {
            return known;
        }
        ECDSAVerifier verifier = new ECDSAVerifier((ECPublicKey) translate(key.toECPublicKey()));
        verifier.getJCAContext().setProvider(BOUNCY_CASTLE);
        if (VERIFIERS.size() >= MAX_CACHED_VERIFIERS) {
            VERIFIERS.clear();
        }
        VERIFIERS.put(key, verifier);
        return verifier;
    }

    /** A signer for {@code key}'s private part. Make it once per key and keep it: building one translates the key. */
    public static ECDSASigner signer(ECKey key) throws JOSEException {
        ECDSASigner signer = new ECDSASigner((ECPrivateKey) translate(key.toECPrivateKey()), key.getCurve());
        signer.getJCAContext().setProvider(BOUNCY_CASTLE);
        return signer;
    }

    private static java.security.Key translate(java.security.Key key) throws JOSEException {
        try {
            return KeyFactory.getInstance("EC", BOUNCY_CASTLE).translateKey(key);
        } catch (GeneralSecurityException e) {
            throw new JOSEException("EC key not usable: " + e.getMessage(), e);
        }
    }

    /** The provider that signs and verifies; for tests. */
    static Provider provider() {
        return BOUNCY_CASTLE;
    }

    static int cachedVerifiers() {
        return VERIFIERS.size();
    }
}
