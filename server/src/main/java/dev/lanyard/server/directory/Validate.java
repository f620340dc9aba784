package dev.lanyard.server.directory;

import java.util.List;
import java.util.regex.Pattern;

/** Field rules shared by the directory's request records (thrown messages become 400 errorSummary). */
public final class Validate {
    private static final Pattern LOGIN = Pattern.compile("[A-Za-z0-9._@+-]{1,100}");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s]{1,255}\\.[^@\\s]{1,63}");
    private static final Pattern SCOPE = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]{1,200}");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

    private Validate() {}

    public static String required(String field, String value, int max) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + " is required");
        }
        return length(field, value, max);
    }

    public static String length(String field, String value, int max) {
        if (value != null && value.length() > max) {
            throw new IllegalArgumentException(field + " is longer than " + max + " characters");
        }
        if (value != null && value.chars().anyMatch(c -> c < 0x20 && c != '\t')) {
            throw new IllegalArgumentException(field + " contains control characters");
        }
        return value;
    }

    public static String login(String value) {
        required("login", value, 100);
        if (!LOGIN.matcher(value).matches()) {
            throw new IllegalArgumentException("login may contain only letters, digits and . _ @ + -");
        }
        return value;
    }

    public static String email(String value) {
        required("email", value, 320);
        if (!EMAIL.matcher(value).matches()) {
            throw new IllegalArgumentException("email is not an e-mail address");
        }
        return value;
    }

    public static String password(String value) {
        if (value == null) {
            return null;
        }
        if (value.length() < 12 || value.length() > 256) {
            throw new IllegalArgumentException("password must be 12 to 256 characters long");
        }
        return value;
    }

    /** OAuth scope tokens (RFC 6749 §3.3 scope-token characters), without duplicates. */
    public static List<String> scopes(String field, List<String> scopes) {
        return tokens(field, scopes, SCOPE, 100, "an OAuth scope");
    }

    public static List<String> tags(List<String> tags) {
        return tokens("tags", tags, TAG, 50, "a tag (letters, digits, . _ : -)");
    }

    private static List<String> tokens(String field, List<String> values, Pattern shape, int max, String what) {
        if (values == null) {
            return null;
        }
        if (values.size() > max) {
            throw new IllegalArgumentException(field + " has more than " + max + " entries");
        }
        for (String v : values) {
            if (v == null || !shape.matcher(v).matches()) {
                throw new IllegalArgumentException(field + " entry '" + (v == null ? "null" : truncate(v)) + "' is not " + what);
            }
        }
        if (values.stream().distinct().count() != values.size()) {
            throw new IllegalArgumentException(field + " has duplicate entries");
        }
        return List.copyOf(values);
    }

    private static String truncate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }
}
