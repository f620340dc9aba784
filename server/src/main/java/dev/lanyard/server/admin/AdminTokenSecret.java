package dev.lanyard.server.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Admin token secrets: 256 random bits, shown once, stored only as SHA-256. A fast hash is right here: the secret
 * has full entropy, so there is nothing for a slow hash to protect against, and every admin request pays for it.
 */
public final class AdminTokenSecret {
    public static final String PREFIX = "lya_";
    private static final SecureRandom RANDOM = new SecureRandom();

    private AdminTokenSecret() {}

    public static String generate() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public static String hash(String secret) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
