package dev.lanyard.server.oauth;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.JWTClaimsSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * JWTs whose signature has already been verified, by their exact compact form, with the key that verified them and
 * their claims. For tokens that are presented again and again: an agent exchanges the same user's ID token for an
 * ID-JAG for each resource it needs, and again when an ID-JAG expires, and each ES256 check costs ≈ 60 µs.
 * <p>Only the signature check (and the parsing of the claims) is saved: the token must be byte for byte the one that
 * verified, the key that verified it must still be among the keys the caller trusts now (a key retired or removed
 * since is not trusted through the cache), and every other rule — {@code typ}, {@code alg}, {@code exp}, {@code iat},
 * {@code nbf} — is applied at every use by {@link SignedJwts#verify}. Nothing that failed is kept.
 */
public final class VerifiedSignatures {
    /** Verified tokens kept: an ID token is ≈ 1 KB, its parsed claims about as much again. */
    static final int CAPACITY = 10_000;

    record Verified(JWK key, JWTClaimsSet claims) {}

    private final ConcurrentHashMap<String, Verified> byToken = new ConcurrentHashMap<>();

    Verified get(String token) {
        return token == null ? null : byToken.get(token);
    }

    void put(String token, JWK key, JWTClaimsSet claims) {
        if (token == null) {
            return;
        }
        // crude but bounded, and a full cache only costs the next few verifications their signature check again
        if (byToken.size() >= CAPACITY) {
            byToken.clear();
        }
        byToken.put(token, new Verified(key, claims));
    }

    int size() {
        return byToken.size();
    }
}
