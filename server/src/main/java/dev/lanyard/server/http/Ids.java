package dev.lanyard.server.http;

import java.security.SecureRandom;
import java.util.regex.Pattern;

/** Random, prefixed resource ids ({@code agt_…}, {@code usr_…}); the prefix tells a reader what an id names. */
public final class Ids {
    /**
     * One generator per thread: the default NativePRNG serialises every caller on one lock, and ids are minted on every
     * token, decision and audit event.
     */
    private static final ThreadLocal<SecureRandom> RANDOM = ThreadLocal.withInitial(Ids::generator);
    private static final char[] ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".toCharArray();
    private static final int LENGTH = 20;
    private static final Pattern SHAPE = Pattern.compile("[a-z]{3}_[0-9A-Za-z]{" + LENGTH + "}");

    private Ids() {}

    private static SecureRandom generator() {
        try {
            return SecureRandom.getInstance("DRBG");
        } catch (java.security.NoSuchAlgorithmException e) {
            return new SecureRandom();
        }
    }

    public static String next(String prefix) {
        StringBuilder sb = new StringBuilder(prefix.length() + 1 + LENGTH).append(prefix).append('_');
        SecureRandom random = RANDOM.get();
        byte[] bytes = new byte[32];
        int n = 0;
        while (n < LENGTH) {
            random.nextBytes(bytes);
            for (int i = 0; i < bytes.length && n < LENGTH; i++) {
                // 6 random bits, values 62 and 63 rejected: every character of the alphabet is equally likely
                int v = bytes[i] & 0x3F;
                if (v < ALPHABET.length) {
                    sb.append(ALPHABET[v]);
                    n++;
                }
            }
        }
        return sb.toString();
    }

    /** True when {@code id} has the shape of an id with this prefix; anything else can't exist and is a 404. */
    public static boolean isValid(String prefix, String id) {
        return id != null && id.startsWith(prefix + "_") && SHAPE.matcher(id).matches();
    }

    public static String require(String prefix, String id, String what) {
        if (!isValid(prefix, id)) {
            throw ApiException.notFound(what + " " + (id == null ? "" : sanitize(id)));
        }
        return id;
    }

    /** Echo ids back without letting a caller inject markup or control characters into a message. */
    public static String sanitize(String s) {
        String trimmed = s.length() > 64 ? s.substring(0, 64) + "…" : s;
        return trimmed.replaceAll("[^0-9A-Za-z_.-]", "?");
    }
}
