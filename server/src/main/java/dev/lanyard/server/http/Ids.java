package dev.lanyard.server.http;

import java.security.SecureRandom;
import java.util.regex.Pattern;

/** Random, prefixed resource ids ({@code agt_…}, {@code usr_…}); the prefix tells a reader what an id names. */
public final class Ids {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".toCharArray();
    private static final int LENGTH = 20;
    private static final Pattern SHAPE = Pattern.compile("[a-z]{3}_[0-9A-Za-z]{" + LENGTH + "}");

    private Ids() {}

    public static String next(String prefix) {
        StringBuilder sb = new StringBuilder(prefix.length() + 1 + LENGTH).append(prefix).append('_');
        for (int i = 0; i < LENGTH; i++) {
            sb.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
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
