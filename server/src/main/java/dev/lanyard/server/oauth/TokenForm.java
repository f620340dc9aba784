package dev.lanyard.server.oauth;

import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The form-encoded body of a token, introspection or revocation request, parsed once and strictly: the content type
 * must be {@code application/x-www-form-urlencoded}, and no parameter may appear twice (RFC 6749 §3.2), because a
 * duplicated {@code scope} or {@code assertion} is exactly where two parsers disagree and an attacker wins.
 */
public final class TokenForm {
    public static final int MAX_BYTES = 64 * 1024;
    private final Map<String, String> params;

    private TokenForm(Map<String, String> params) {
        this.params = params;
    }

    public static TokenForm parse(String contentType, Buffer body) {
        String base = contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (!base.equals("application/x-www-form-urlencoded")) {
            throw OAuthException.invalidRequest("the request body must be application/x-www-form-urlencoded");
        }
        String text = body == null ? "" : body.toString(StandardCharsets.UTF_8);
        Map<String, List<String>> decoded;
        try {
            decoded = new QueryStringDecoder(text, StandardCharsets.UTF_8, false, 64).parameters();
        } catch (IllegalArgumentException e) {
            throw OAuthException.invalidRequest("the request body is not valid form encoding");
        }
        java.util.LinkedHashMap<String, String> single = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : decoded.entrySet()) {
            if (e.getValue().size() > 1) {
                throw OAuthException.invalidRequest("parameter '" + safe(e.getKey()) + "' is repeated");
            }
            single.put(e.getKey(), e.getValue().get(0));
        }
        return new TokenForm(single);
    }

    public Optional<String> get(String name) {
        String v = params.get(name);
        return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v);
    }

    public String require(String name) {
        return get(name).orElseThrow(() -> OAuthException.invalidRequest("parameter '" + name + "' is required"));
    }

    public boolean has(String name) {
        return params.containsKey(name);
    }

    /** Refuses parameters that make no sense for this grant, instead of silently ignoring what the client meant. */
    public void allowOnly(Set<String> allowed) {
        for (String name : params.keySet()) {
            if (!allowed.contains(name)) {
                throw OAuthException.invalidRequest("parameter '" + safe(name) + "' is not allowed here");
            }
        }
    }

    static String safe(String s) {
        String t = s.length() > 200 ? s.substring(0, 200) + "…" : s;
        return t.replaceAll("[^\\x20-\\x7E]", "?");
    }
}
