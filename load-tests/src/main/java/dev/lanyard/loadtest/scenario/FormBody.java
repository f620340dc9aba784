package dev.lanyard.loadtest.scenario;

import io.vertx.core.buffer.Buffer;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * An {@code application/x-www-form-urlencoded} body whose fields are fixed except the last one, which changes per
 * request (a fresh client assertion). The fixed part is encoded once, so building a body on the generator's event
 * loop is one scan of the new value and one copy.
 */
public final class FormBody {

    public static final String CONTENT_TYPE = "application/x-www-form-urlencoded";

    private final byte[] fixedPart;
    private final String lastName;

    /** @param fixed fields in the order they are sent; {@code lastName} is appended after them per request */
    public FormBody(Map<String, String> fixed, String lastName) {
        String prefix = encode(fixed);
        this.fixedPart = ((prefix.isEmpty() ? "" : prefix + "&") + URLEncoder.encode(lastName, StandardCharsets.UTF_8) + "=")
                .getBytes(StandardCharsets.US_ASCII);
        this.lastName = lastName;
    }

    public String lastName() {
        return lastName;
    }

    /** The whole body with {@code lastValue} as the last field. */
    public Buffer with(String lastValue) {
        // URLEncoder returns its argument unchanged when nothing needs escaping (a compact JWS never does).
        String encoded = URLEncoder.encode(lastValue, StandardCharsets.UTF_8);
        return Buffer.buffer(fixedPart.length + encoded.length()).appendBytes(fixedPart)
                .appendString(encoded, "US-ASCII");
    }

    /** Encodes fields in iteration order: {@code k1=v1&k2=v2}. */
    public static String encode(Map<String, String> fields) {
        StringBuilder sb = new StringBuilder();
        fields.forEach((k, v) -> {
            if (sb.length() > 0) {
                sb.append('&');
            }
            sb.append(URLEncoder.encode(k, StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(v, StandardCharsets.UTF_8));
        });
        return sb.toString();
    }
}
