package dev.lanyard.server.authservers;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The rule every URL an admin registers here follows (resource indicators, trusted issuers, their JWKS URIs, redirect
 * URIs): absolute, with a host, no user info, no fragment, and {@code https} — or {@code http} on a loopback host
 * (RFC 8252 §7.3, RFC 8707 §2, RFC 8414 §2). Messages name the field and become a 400's errorSummary.
 */
public final class WebUrls {
    public static final int MAX_LENGTH = 2000;
    private static final Pattern IPV4_LOOPBACK = Pattern.compile("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");

    private WebUrls() {}

    /**
     * Checks {@code value} and returns it parsed; {@code allowQuery} false also refuses a query (issuers carry none).
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public static URI check(String field, String value, boolean allowQuery) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(field + " is required");
        }
        if (value.length() > MAX_LENGTH) {
            throw new IllegalArgumentException(field + " is longer than " + MAX_LENGTH + " characters");
        }
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(field + " is not a valid URI");
        }
        if (!uri.isAbsolute() || uri.isOpaque()) {
            throw new IllegalArgumentException(field + " must be an absolute URL (scheme://host/…)");
        }
        if (uri.getRawFragment() != null) {
            throw new IllegalArgumentException(field + " must not contain a fragment ('#…')");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new IllegalArgumentException(field + " must name a host");
        }
        if (uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException(field + " must not contain user info ('user@')");
        }
        if (!allowQuery && uri.getRawQuery() != null) {
            throw new IllegalArgumentException(field + " must not contain a query ('?…')");
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.equals("https")) {
            return uri;
        }
        if (scheme.equals("http") && isLoopback(uri.getHost())) {
            return uri;
        }
        throw new IllegalArgumentException(field + " must use https (http is allowed only on a loopback host: "
                + "localhost, 127.0.0.1, [::1])");
    }

    /** Scheme and host in lower case (they are case-insensitive), everything else as given. */
    public static String canonical(URI uri) {
        StringBuilder sb = new StringBuilder(uri.getScheme().toLowerCase(Locale.ROOT)).append("://")
                .append(uri.getRawAuthority().toLowerCase(Locale.ROOT));
        if (uri.getRawPath() != null) {
            sb.append(uri.getRawPath());
        }
        if (uri.getRawQuery() != null) {
            sb.append('?').append(uri.getRawQuery());
        }
        return sb.toString();
    }

    public static boolean isLoopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals("localhost") || h.equals("[::1]") || h.equals("::1") || IPV4_LOOPBACK.matcher(h).matches();
    }
}
