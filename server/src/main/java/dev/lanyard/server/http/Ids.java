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
        return appendRandom(sb, LENGTH).toString();
    }

    /** Characters of a sortable id that encode its creation time: 62^8 milliseconds last until the year 8888. */
    private static final int TIME_CHARS = 8;

    /**
     * An id of the same shape whose first characters encode the current time in milliseconds, for rows written at a
     * high rate into an indexed column (audit events, decisions, token ids): consecutive ids then land on the same
     * few B-tree pages instead of a random page of an index larger than memory, which is what made inserts slow
     * once the audit trail outgrew PostgreSQL's buffers. The other 12 characters (71 bits) are random, ample for
     * uniqueness; never use these ids as secrets (their time part is guessable), which is why {@link #next} stays
     * fully random for everything else.
     */
    public static String sortable(String prefix) {
        return sortable(prefix, System.currentTimeMillis());
    }

    static String sortable(String prefix, long millis) {
        StringBuilder sb = new StringBuilder(prefix.length() + 1 + LENGTH).append(prefix).append('_');
        char[] time = new char[TIME_CHARS];
        long t = millis;
        for (int i = TIME_CHARS - 1; i >= 0; i--) {
            time[i] = ALPHABET[(int) (t % ALPHABET.length)];
            t /= ALPHABET.length;
        }
        return appendRandom(sb.append(time), LENGTH - TIME_CHARS).toString();
    }

    private static StringBuilder appendRandom(StringBuilder sb, int count) {
        SecureRandom random = RANDOM.get();
        byte[] bytes = new byte[32];
        int n = 0;
        while (n < count) {
            random.nextBytes(bytes);
            for (int i = 0; i < bytes.length && n < count; i++) {
                // 6 random bits, values 62 and 63 rejected: every character of the alphabet is equally likely
                int v = bytes[i] & 0x3F;
                if (v < ALPHABET.length) {
                    sb.append(ALPHABET[v]);
                    n++;
                }
            }
        }
        return sb;
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
