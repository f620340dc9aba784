package dev.lanyard.server.keys;

import dev.lanyard.server.TestDirs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import dev.lanyard.server.Api;
import dev.lanyard.server.LanyardServer;
import dev.lanyard.server.TestServer;
import dev.lanyard.server.config.ServerConfig;
import dev.lanyard.server.oauth.TokenSigner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SigningKeyPersistenceTest {
    private static final String BASE = "https://lanyard.test";

    @Test
    void keysSurviveARestartAndOnlyTheRightMasterKeyOpensThem() throws Exception {
        Path dir = TestDirs.create("lanyard-keys-");
        Map<String, String> env = Map.of("LANYARD_BASE_URL", BASE);
        String token;
        String kid;
        try (TestServer first = TestServer.start(dir, TestServer.freePort(), env)) {
            token = SigningKeysTest.sign(first, TokenSigner.ORG, BASE);
            kid = SignedJWT.parse(token).getHeader().getKeyID();
            Path keyFile = dir.resolve("master.key");
            assertTrue(Files.exists(keyFile));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)));
            assertEquals(32, Base64.getDecoder().decode(Files.readString(keyFile).trim()).length);
        }

        byte[] wrong = new byte[32];
        new SecureRandom().nextBytes(wrong);
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> TestServer.start(dir,
                TestServer.freePort(), Map.of("LANYARD_BASE_URL", BASE,
                        "LANYARD_MASTER_KEY", Base64.getEncoder().encodeToString(wrong))));
        assertTrue(root(refused).contains("does not decrypt the stored signing keys"), root(refused));

        Path keyFile = dir.resolve("master.key");
        Path moved = dir.resolve("master.key.bak");
        Files.move(keyFile, moved);
        IllegalStateException missing = assertThrows(IllegalStateException.class,
                () -> TestServer.start(dir, TestServer.freePort(), env));
        assertTrue(root(missing).contains("no master key is configured"), root(missing));
        assertTrue(!Files.exists(keyFile), "a new master key was generated");
        Files.move(moved, keyFile);

        // the same master key given through the environment works too; RS256 applies to keys made from now on
        String configured = Files.readString(keyFile).trim();
        try (TestServer second = TestServer.start(dir, TestServer.freePort(), Map.of("LANYARD_BASE_URL", BASE,
                "LANYARD_MASTER_KEY", configured, "LANYARD_SIGNING_ALG", "RS256"))) {
            JWKSet published = SigningKeysTest.jwks(second.baseUrl() + "/oauth2/v1/keys");
            assertTrue(published.getKeyByKeyId(kid) != null);
            SigningKeysTest.verify(token, published, BASE, "https://rs.example.com");
            assertEquals(kid, SignedJWT.parse(SigningKeysTest.sign(second, TokenSigner.ORG, BASE)).getHeader().getKeyID());
            assertTrue(second.server().signingKeys().signsCheaply(TokenSigner.ORG), "an ES256 key signs on the event loop");

            Api.Resp rotated = second.admin().post("/api/v1/signing-keys/org/rotate", null);
            assertEquals(201, rotated.status(), rotated.toString());
            assertEquals("RS256", rotated.body().path("alg").asText());
            String rsToken = SigningKeysTest.sign(second, TokenSigner.ORG, BASE);
            assertEquals(JWSAlgorithm.RS256, SignedJWT.parse(rsToken).getHeader().getAlgorithm());
            assertFalse(second.server().signingKeys().signsCheaply(TokenSigner.ORG), "an RSA key signs on a worker");
            JWKSet after = SigningKeysTest.jwks(second.baseUrl() + "/oauth2/v1/keys");
            SigningKeysTest.verify(rsToken, after, BASE, "https://rs.example.com");
            SigningKeysTest.verify(token, after, BASE, "https://rs.example.com");
        }
    }

    @Test
    void anotherInstanceOnTheSameDatabaseLearnsOfARotation() throws Exception {
        Path dir = TestDirs.create("lanyard-keys-primary-");
        try (TestServer primary = TestServer.start(dir, TestServer.freePort(), Map.of("LANYARD_BASE_URL", BASE))) {
            var loc = primary.server().databaseLocation();
            String url = "postgresql://" + loc.user() + "@" + loc.host() + ":" + loc.port() + "/" + loc.database();
            String master = Files.readString(dir.resolve("master.key")).trim();
            Map<String, String> env = Map.of("LANYARD_DATABASE_URL", url, "LANYARD_MASTER_KEY", master,
                    "LANYARD_BASE_URL", BASE,
                    "LANYARD_DATA_DIR", TestDirs.create("lanyard-keys-secondary-").toString(),
                    "LANYARD_HTTP_PORT", Integer.toString(TestServer.freePort()));
            LanyardServer secondary = LanyardServer.start(ServerConfig.from(env))
                    .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
            try {
                String secondaryJwks = "http://127.0.0.1:" + secondary.port() + "/oauth2/v1/keys";
                String before = SignedJWT.parse(SigningKeysTest.sign(primary, TokenSigner.ORG, BASE)).getHeader().getKeyID();
                assertEquals(before, secondary.signingKeys().publicKeys(TokenSigner.ORG).getKeys().get(0).getKeyID());

                Api.Resp rotated = primary.admin().post("/api/v1/signing-keys/org/rotate", null);
                String kid = rotated.body().path("kid").asText();
                assertNotEquals(before, kid);
                long deadline = System.currentTimeMillis() + 5000;
                while (SigningKeysTest.jwks(secondaryJwks).getKeyByKeyId(kid) == null) {
                    assertTrue(System.currentTimeMillis() < deadline, "the other instance never saw the new key");
                    Thread.sleep(50);
                }
                String signedThere = secondary.signingKeys().sign(TokenSigner.ORG,
                        new com.nimbusds.jose.JOSEObjectType("at+jwt"), SigningKeysTest.claims(BASE, "https://rs.example.com"));
                assertEquals(kid, SignedJWT.parse(signedThere).getHeader().getKeyID());
                assertEquals(2, SigningKeysTest.jwks(secondaryJwks).getKeys().size());
            } finally {
                secondary.stop().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
            }
        }
    }

    private static String root(Throwable t) {
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return String.valueOf(t.getMessage());
    }
}
