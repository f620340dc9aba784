package dev.lanyard.mcp.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.module.blackbird.BlackbirdModule;
import java.io.IOException;
import java.io.OutputStream;
import java.security.DigestOutputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;

/** The adapter's one JSON mapper, and the canonical form used to hash tool arguments. */
public final class Json {
    /**
     * Strict where it matters for security: duplicate keys are refused (two parsers could otherwise disagree on which
     * tool or argument a request names), and nesting is bounded so a hostile body cannot exhaust the stack.
     */
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .addModule(new BlackbirdModule())
            .build();

    static {
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build());
    }

    private Json() {}

    public static JsonNode parse(byte[] bytes) throws IOException {
        return MAPPER.readTree(bytes);
    }

    public static JsonNode parse(String text) throws IOException {
        return MAPPER.readTree(text);
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] bytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    public static ArrayNode array() {
        return MAPPER.createArrayNode();
    }

    /**
     * SHA-256 (hex) of {@code value} written as compact JSON with object keys sorted at every level. The audit trail
     * stores this instead of argument values: equal arguments give equal digests whatever the client's key order,
     * and nothing of the values themselves is kept. Written straight into the digest (no intermediate string).
     */
    public static String canonicalSha256(JsonNode value) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            try (JsonGenerator g = MAPPER.getFactory().createGenerator(new DigestOutputStream(OutputStream.nullOutputStream(), md))) {
                canonical(value, g);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void canonical(JsonNode n, JsonGenerator g) throws IOException {
        if (n == null || n.isMissingNode()) {
            g.writeNull();
        } else if (n.isObject()) {
            List<String> names = new ArrayList<>();
            for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
                names.add(it.next());
            }
            names.sort(null);
            g.writeStartObject();
            for (String name : names) {
                g.writeFieldName(name);
                canonical(n.get(name), g);
            }
            g.writeEndObject();
        } else if (n.isArray()) {
            g.writeStartArray();
            for (JsonNode e : n) {
                canonical(e, g);
            }
            g.writeEndArray();
        } else {
            MAPPER.writeTree(g, n);
        }
    }
}
