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
import java.util.function.Supplier;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ECDSA signing and verification for every ES256/ES384 token and assertion. ES256 is the default signing algorithm
 * and the usual agent key type, so one signature check and one signature bound every token request (three
 * operations for an ID-JAG exchange). Measured on the project's two-core machine (docs/benchmarks.md, token
 * endpoints), one P-256 operation:
 * <ul>
 *   <li>SunEC: sign ≈ 0.74 ms, verify ≈ 1.05 ms on JDK 17 (≈ 0.15 / 0.50 ms on JDK 25);
 *   <li>BouncyCastle with its own key objects: ≈ 0.11 ms either way on JDK 17, ≈ 0.07 ms on JDK 25;
 *   <li>AWS-LC through the Amazon Corretto Crypto Provider (native): sign ≈ 0.02 ms, verify ≈ 0.05–0.07 ms.
 * </ul>
 * So the native provider is used where its library loads and passes its self-tests (Linux on x86-64, the platform
 * whose build is bundled); anywhere else, BouncyCastle. Which one was chosen is logged once, at first use.
 *
 * <p>The key form matters: handed a JDK key, BouncyCastle converts it on every {@code init}, with a fresh curve
 * generator whose multiplication tables it then rebuilds, which triples the cost. So keys are translated once into
 * the provider's own form, signers are made once per signing key, and verifiers are kept per public key.
 *
 * <p>The provider instance is private to Lanyard: it is never installed in {@link java.security.Security}, so
 * nothing else in the process changes provider.
 */
public final class EcdsaProvider {
    private static final Logger LOG = LoggerFactory.getLogger(EcdsaProvider.class);
    private static final Provider PROVIDER = choose(EcdsaProvider::nativeProvider);
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
        verifier.getJCAContext().setProvider(PROVIDER);
        if (VERIFIERS.size() >= MAX_CACHED_VERIFIERS) {
            VERIFIERS.clear();
        }
        VERIFIERS.put(key, verifier);
        return verifier;
    }

    /** A signer for {@code key}'s private part. Make it once per key and keep it: building one translates the key. */
    public static ECDSASigner signer(ECKey key) throws JOSEException {
        ECDSASigner signer = new ECDSASigner((ECPrivateKey) translate(key.toECPrivateKey()), key.getCurve());
        signer.getJCAContext().setProvider(PROVIDER);
        return signer;
    }

    private static java.security.Key translate(java.security.Key key) throws JOSEException {
        try {
            return KeyFactory.getInstance("EC", PROVIDER).translateKey(key);
        } catch (GeneralSecurityException e) {
            throw new JOSEException("EC key not usable: " + e.getMessage(), e);
        }
    }

    /** The provider that signs and verifies; for tests. */
    static Provider provider() {
        return PROVIDER;
    }

    /** The native provider if it loaded and passed its self-tests, else BouncyCastle. */
    static Provider choose(Supplier<Provider> nativeProvider) {
        Provider chosen;
        String why = null;
        try {
            chosen = nativeProvider.get();
        } catch (RuntimeException | LinkageError e) {
            chosen = null;
            why = e.toString();
        }
        if (chosen != null) {
            LOG.info("ECDSA on {} {}", chosen.getName(), chosen.getVersionStr());
            return chosen;
        }
        LOG.info("ECDSA on BouncyCastle (the native provider is not available here{})",
                why == null ? "" : ": " + why);
        return new BouncyCastleProvider();
    }

    /**
     * The Amazon Corretto Crypto Provider when its native library loaded on this platform and its self-tests pass;
     * throws otherwise. Refers to the provider's classes only when called, so a missing jar is a fallback too.
     */
    static Provider nativeProvider() {
        com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider accp =
                com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider.INSTANCE;
        if (accp.getLoadingError() != null) {
            throw new IllegalStateException("native library not loaded: " + accp.getLoadingError());
        }
        accp.assertHealthy();
        return accp;
    }

    static int cachedVerifiers() {
        return VERIFIERS.size();
    }
}
