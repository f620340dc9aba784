package dev.lanyard.loadtest.endpoint;

import java.net.URI;
import java.util.Locale;

/**
 * An HTTP endpoint on this machine. Construction is the only way to obtain a target, so every code path
 * that opens connections has already been checked against the loopback rule.
 *
 * <p>Host names other than {@code localhost} are refused without resolving them: a DNS lookup would itself
 * be traffic to elsewhere, and a name that resolves to loopback today may not tomorrow.
 */
public record LoopbackTarget(String host, int port) {

    public LoopbackTarget {
        if (!isLoopback(host)) {
            throw new NonLoopbackTargetException(host);
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    /** Splits a full URL into the target and the request path (with query), refusing non-loopback hosts. */
    public static Endpoint parseUrl(String url) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a valid URL: " + url, e);
        }
        if (!"http".equalsIgnoreCase(uri.getScheme())) {
            throw new IllegalArgumentException("only http:// URLs are supported: " + url);
        }
        String host = uri.getHost();
        if (host == null) {
            throw new IllegalArgumentException("URL has no host: " + url);
        }
        int port = uri.getPort() == -1 ? 80 : uri.getPort();
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        if (uri.getRawQuery() != null) {
            path = path + "?" + uri.getRawQuery();
        }
        return new Endpoint(new LoopbackTarget(host, port), path);
    }

    public static boolean isLoopback(String host) {
        if (host == null || host.isBlank()) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.equals("localhost") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1")) {
            return true;
        }
        String[] parts = h.split("\\.", -1);
        if (parts.length != 4 || !parts[0].equals("127")) {
            return false;
        }
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit) || Integer.parseInt(p) > 255) {
                return false;
            }
        }
        return true;
    }

    /** Host as it goes into a URL (IPv6 literals bracketed). */
    public String urlHost() {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    /** Host as a socket address (brackets removed). */
    public String socketHost() {
        return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    }

    public String baseUrl() {
        return "http://" + urlHost() + ":" + port;
    }

    /** A target together with the path a scenario requests. */
    public record Endpoint(LoopbackTarget target, String path) {
    }
}
