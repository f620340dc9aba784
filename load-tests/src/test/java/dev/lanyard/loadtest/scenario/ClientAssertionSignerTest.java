package dev.lanyard.loadtest.scenario;

import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.time.Clock;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClientAssertionSignerTest {

    /** The jar bundles AWS-LC for Linux x86-64 only; a silent fallback there would make every token run two minutes longer. */
    @Test
    @EnabledOnOs(value = OS.LINUX, architectures = {"amd64", "x86_64"})
    void signsWithAwsLcOnLinuxX86() {
        assertTrue(ClientAssertionSigner.NATIVE.isPresent(), "AWS-LC did not load");
    }

    @Test
    void theJdksOwnVerifierAcceptsWhatItSignsAndRefusesAnotherKey() throws Exception {
        ECKey key = ClientAssertionSigner.newKey();
        String jwt = new ClientAssertionSigner(key, "agt_0123456789abcdefghij", "http://127.0.0.1:1/oauth2/v1/token",
                Clock.systemUTC()).sign("one");
        assertTrue(SignedJWT.parse(jwt).verify(new ECDSAVerifier(key.toPublicJWK())));
        assertFalse(SignedJWT.parse(jwt).verify(new ECDSAVerifier(ClientAssertionSigner.newKey().toPublicJWK())));
    }
}
