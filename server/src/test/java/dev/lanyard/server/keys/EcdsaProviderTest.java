package dev.lanyard.server.keys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.util.Arrays;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The ECDSA provider (native where it loads, else BouncyCastle) must not change what verifies: same results as the
 * JDK's own provider, both ways.
 */
class EcdsaProviderTest {

    private static SignedJWT signed(ECKey key, JWSAlgorithm alg, ECDSASigner signer) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(key.getKeyID()).build(),
                new JWTClaimsSet.Builder().subject("agt_1").jwtID("j1").build());
        jwt.sign(signer);
        return SignedJWT.parse(jwt.serialize());
    }

    @Test
    void verifiesWhatTheJdkSigned() throws Exception {
        for (Curve curve : new Curve[] {Curve.P_256, Curve.P_384}) {
            JWSAlgorithm alg = curve == Curve.P_256 ? JWSAlgorithm.ES256 : JWSAlgorithm.ES384;
            ECKey key = new ECKeyGenerator(curve).keyID("k").generate();
            SignedJWT byJdk = signed(key, alg, new ECDSASigner(key));
            ECDSAVerifier verifier = EcdsaProvider.verifier(key.toPublicJWK());
            assertSame(EcdsaProvider.provider(), verifier.getJCAContext().getProvider());
            assertTrue(byJdk.verify(verifier), alg + " signed by the JDK verifies");
        }
    }

    @Test
    void theJdkVerifiesWhatLanyardSigned() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).keyID("k").generate();
        SignedJWT ours = signed(key, JWSAlgorithm.ES256, EcdsaProvider.signer(key));
        assertTrue(ours.verify(new ECDSAVerifier(key.toPublicJWK())));
        assertEquals(64, ours.getSignature().decode().length, "JOSE R||S form, not DER");
    }

    @Test
    void refusesWhatTheJdkRefuses() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).keyID("k").generate();
        ECKey other = new ECKeyGenerator(Curve.P_256).keyID("k").generate();
        SignedJWT jwt = signed(key, JWSAlgorithm.ES256, EcdsaProvider.signer(key));
        ECDSAVerifier verifier = EcdsaProvider.verifier(key.toPublicJWK());

        assertFalse(signed(other, JWSAlgorithm.ES256, new ECDSASigner(other)).verify(verifier), "another key's signature");

        byte[] sig = jwt.getSignature().decode();
        byte[] flipped = sig.clone();
        flipped[10] ^= 1;
        assertFalse(withSignature(jwt, flipped).verify(verifier), "a flipped bit");

        // CVE-2022-21449 ("psychic signatures"): r = s = 0 must never verify
        assertFalse(withSignature(jwt, new byte[64]).verify(verifier), "all-zero signature");
        assertFalse(withSignature(jwt, Arrays.copyOf(sig, 63)).verify(verifier), "truncated signature");

        SignedJWT tamperedClaims = new SignedJWT(jwt.getHeader().toBase64URL(),
                new JWTClaimsSet.Builder().subject("agt_2").jwtID("j1").build().toPayload().toBase64URL(),
                jwt.getSignature());
        assertFalse(tamperedClaims.verify(verifier), "claims changed after signing");
        assertArrayEquals(sig, jwt.getSignature().decode(), "the original is untouched");
        assertTrue(jwt.verify(verifier));
    }

    @Test
    void signsAndVerifiesWithTheProvidersOwnKeyObjects() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).keyID("k").generate();
        ECDSASigner signer = EcdsaProvider.signer(key);
        assertSame(EcdsaProvider.provider(), signer.getJCAContext().getProvider());
        String own = EcdsaProvider.provider().getClass().getPackageName().startsWith("com.amazon.corretto.")
                ? "com.amazon.corretto." : "org.bouncycastle.";
        assertTrue(signer.getPrivateKey().getClass().getName().startsWith(own),
                "a JDK key would be converted again on every signature: " + signer.getPrivateKey().getClass());
        ECDSAVerifier verifier = EcdsaProvider.verifier(key.toPublicJWK());
        assertTrue(verifier.getPublicKey().getClass().getName().startsWith(own));
    }

    /** The bundled native build is for Linux on x86-64: there, a silent fallback would cost ≈ 0.1 ms of CPU per token. */
    @Test
    void onLinuxX86TheNativeProviderIsTheOneInUse() {
        Assumptions.assumeTrue(System.getProperty("os.name").equals("Linux")
                && System.getProperty("os.arch").equals("amd64"), "the bundled native build is for Linux x86-64");
        assertEquals("AmazonCorrettoCryptoProvider", EcdsaProvider.provider().getName());
    }

    @Test
    void aNativeProviderThatCannotLoadFallsBackToBouncyCastle() throws Exception {
        assertEquals("BC", EcdsaProvider.choose(() -> {
            throw new UnsatisfiedLinkError("no library for this platform");
        }).getName());
        assertEquals("BC", EcdsaProvider.choose(() -> {
            throw new NoClassDefFoundError("com/amazon/corretto/crypto/provider/AmazonCorrettoCryptoProvider");
        }).getName());
        assertEquals("BC", EcdsaProvider.choose(() -> {
            throw new IllegalStateException("self-tests failed");
        }).getName());
        // and what the fallback signs, the provider in use verifies
        ECKey key = new ECKeyGenerator(Curve.P_256).keyID("k").generate();
        ECDSASigner bc = new ECDSASigner(key.toECPrivateKey(), key.getCurve());
        bc.getJCAContext().setProvider(EcdsaProvider.choose(() -> null));
        assertTrue(signed(key, JWSAlgorithm.ES256, bc).verify(EcdsaProvider.verifier(key.toPublicJWK())));
        assertTrue(signed(key, JWSAlgorithm.ES256, EcdsaProvider.signer(key)).verify(new ECDSAVerifier(key.toPublicJWK())));
    }

    @Test
    void keepsOneVerifierPerPublicKey() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).keyID("k").generate();
        ECKey sameKeyParsedAgain = ECKey.parse(key.toPublicJWK().toJSONString());
        ECDSAVerifier first = EcdsaProvider.verifier(key.toPublicJWK());
        assertSame(first, EcdsaProvider.verifier(sameKeyParsedAgain));
        ECKey other = new ECKeyGenerator(Curve.P_256).keyID("k").generate();
        assertNotSame(first, EcdsaProvider.verifier(other.toPublicJWK()));
        assertTrue(EcdsaProvider.cachedVerifiers() <= EcdsaProvider.MAX_CACHED_VERIFIERS);
    }

    private static SignedJWT withSignature(SignedJWT jwt, byte[] signature) throws Exception {
        return new SignedJWT(jwt.getHeader().toBase64URL(), jwt.getPayload().toBase64URL(), Base64URL.encode(signature));
    }
}
