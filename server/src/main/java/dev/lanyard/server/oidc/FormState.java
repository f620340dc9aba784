package dev.lanyard.server.oidc;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The validated authorization request carried through the login form as a signed hidden field (HMAC-SHA256 under a
 * key derived from the master key, so every instance sharing it accepts it), together with the form's CSRF nonce,
 * which must also come back in the HttpOnly cookie and the form's {@code csrf_token} field.
 */
final class FormState {
    static final long LIFETIME_SECONDS = 600;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();
    private final SecretKeySpec key;

    FormState(byte[] key) {
        this.key = new SecretKeySpec(key, "HmacSHA256");
    }

    static String nonce() {
        byte[] b = new byte[24];
        RANDOM.nextBytes(b);
        return B64.encodeToString(b);
    }

    /** A pending sign-in: what the client asked for, and the CSRF nonce of the form showing it. */
    record Pending(String clientId, String redirectUri, String scope, String state, String nonce, String codeChallenge,
                   List<String> resources, String csrf, long expiresAt) {

        Pending withCsrf(String csrf, long expiresAt) {
            return new Pending(clientId, redirectUri, scope, state, nonce, codeChallenge, resources, csrf, expiresAt);
        }
    }

    String seal(Pending p) {
        JsonObject json = new JsonObject().put("c", p.clientId()).put("r", p.redirectUri()).put("s", p.scope())
                .put("st", p.state()).put("n", p.nonce()).put("cc", p.codeChallenge())
                .put("res", new JsonArray(p.resources())).put("x", p.csrf()).put("exp", p.expiresAt());
        String body = B64.encodeToString(json.encode().getBytes(StandardCharsets.UTF_8));
        return body + "." + B64.encodeToString(mac(body));
    }

    /** Empty when the value was not made here, was altered, or has expired. */
    Optional<Pending> open(String sealed) {
        if (sealed == null || sealed.length() > 16_384) {
            return Optional.empty();
        }
        int dot = sealed.indexOf('.');
        if (dot <= 0) {
            return Optional.empty();
        }
        String body = sealed.substring(0, dot);
        try {
            if (!MessageDigest.isEqual(mac(body), B64D.decode(sealed.substring(dot + 1)))) {
                return Optional.empty();
            }
            JsonObject json = new JsonObject(new String(B64D.decode(body), StandardCharsets.UTF_8));
            long exp = json.getLong("exp");
            if (exp < Instant.now().getEpochSecond()) {
                return Optional.empty();
            }
            List<String> resources = json.getJsonArray("res").stream().map(String.class::cast).toList();
            return Optional.of(new Pending(json.getString("c"), json.getString("r"), json.getString("s"),
                    json.getString("st"), json.getString("n"), json.getString("cc"), resources, json.getString("x"), exp));
        } catch (IllegalArgumentException | DecodeException | ClassCastException | NullPointerException e) {
            return Optional.empty();
        }
    }

    private byte[] mac(String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(body.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
