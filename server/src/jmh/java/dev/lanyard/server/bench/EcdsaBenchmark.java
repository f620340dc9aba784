package dev.lanyard.server.bench;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import dev.lanyard.server.keys.EcdsaProvider;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * ES256 sign and verify of one JWS signing input (a token-sized header and payload) through Nimbus, four ways:
 * {@code jdk} — the JDK's provider (SunEC), the baseline; {@code bc-jdk-key} — BouncyCastle handed the JDK's key
 * objects, which it converts on every use; {@code bc} — BouncyCastle with its own key objects (the server until
 * 2026-12-07); {@code lanyard} — {@link EcdsaProvider} as the server signs and verifies (the native provider where
 * it loads, else BouncyCastle as in {@code bc}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(2)
public class EcdsaBenchmark {
    @Param({"jdk", "bc-jdk-key", "bc", "lanyard"})
    public String provider;

    private JWSSigner signer;
    private JWSVerifier verifier;
    private JWSHeader header;
    private byte[] signingInput;
    private Base64URL signature;

    @Setup
    public void setUp() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).keyID("bench").generate();
        switch (provider) {
            case "jdk" -> {
                signer = new ECDSASigner(key);
                verifier = new ECDSAVerifier(key.toPublicJWK());
            }
            case "bc-jdk-key" -> {
                ECDSASigner s = new ECDSASigner(key);
                s.getJCAContext().setProvider(new BouncyCastleProvider());
                ECDSAVerifier v = new ECDSAVerifier(key.toPublicJWK());
                v.getJCAContext().setProvider(new BouncyCastleProvider());
                signer = s;
                verifier = v;
            }
            case "bc" -> {
                BouncyCastleProvider bc = new BouncyCastleProvider();
                KeyFactory keys = KeyFactory.getInstance("EC", bc);
                ECDSASigner s = new ECDSASigner((ECPrivateKey) keys.translateKey(key.toECPrivateKey()), key.getCurve());
                s.getJCAContext().setProvider(bc);
                ECDSAVerifier v = new ECDSAVerifier((ECPublicKey) keys.translateKey(key.toECPublicKey()));
                v.getJCAContext().setProvider(bc);
                signer = s;
                verifier = v;
            }
            case "lanyard" -> {
                signer = EcdsaProvider.signer(key);
                verifier = EcdsaProvider.verifier(key.toPublicJWK());
            }
            default -> throw new IllegalArgumentException(provider);
        }
        header = new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("bench").build();
        String payload = "{\"iss\":\"https://lanyard.example/oauth2/aus_1\",\"sub\":\"agt_0123456789abcdefghij\","
                + "\"aud\":\"https://tools.example/mcp\",\"client_id\":\"agt_0123456789abcdefghij\",\"scope\":\"read write\","
                + "\"jti\":\"atj_0123456789abcdefghij\",\"iat\":1795460000,\"exp\":1795460300}";
        signingInput = (header.toBase64URL() + "." + Base64URL.encode(payload)).getBytes(StandardCharsets.US_ASCII);
        signature = signer.sign(header, signingInput);
        if (!verifier.verify(header, signingInput, signature)) {
            throw new IllegalStateException("the benchmark's own signature does not verify");
        }
    }

    @Benchmark
    public Base64URL sign() throws Exception {
        return signer.sign(header, signingInput);
    }

    @Benchmark
    public boolean verify() throws Exception {
        return verifier.verify(header, signingInput, signature);
    }
}
