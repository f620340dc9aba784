package dev.lanyard.server.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * What of a decision's input may be written to the decision log: strings under a credential-like key, and any string
 * that looks like a JWT wherever it is, are replaced. Objects under such keys are kept and walked (a decision input's
 * {@code token} is an object of claims — useful and not a credential), so only the secret leaves are lost.
 */
public final class Redaction {
    public static final String REDACTED = "[REDACTED]";
    private static final String[] SECRET_WORDS = {"token", "secret", "password", "passwd", "assertion",
        "authorization", "apikey", "api_key", "api-key", "credential", "privatekey", "private_key", "private-key",
        "cookie"};
    private static final Pattern JWT = Pattern.compile("^eyJ[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]*$");

    private Redaction() {}

    public static JsonNode redact(JsonNode node) {
        return redact(node, false);
    }

    /**
     * Answers for the keys seen so far. Documents repeat the same few dozen keys (and the JSON parser hands out the
     * same String for each), so a lookup replaces lower-casing and fourteen substring searches per key. Bounded in
     * entries and in key length, because keys come from callers.
     */
    private static final Map<String, Boolean> KNOWN_KEYS = new ConcurrentHashMap<>();
    private static final int KNOWN_KEYS_LIMIT = 4096;
    private static final int KNOWN_KEY_MAX_LENGTH = 64;

    static boolean secretKey(String key) {
        Boolean known = KNOWN_KEYS.get(key);
        if (known != null) {
            return known;
        }
        boolean secret = containsSecretWord(key);
        if (key.length() <= KNOWN_KEY_MAX_LENGTH && KNOWN_KEYS.size() < KNOWN_KEYS_LIMIT) {
            KNOWN_KEYS.put(key, secret);
        }
        return secret;
    }

    private static boolean containsSecretWord(String key) {
        String k = key.toLowerCase(java.util.Locale.ROOT);
        for (String word : SECRET_WORDS) {
            if (k.contains(word)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Copies only what changes: a document without secrets (most decision inputs and tool-call records) comes back
     * as the same tree, at no cost but the scan. Callers never modify the tree they get.
     */
    private static JsonNode redact(JsonNode node, boolean secretKey) {
        if (node == null) {
            return null;
        }
        if (node.isTextual()) {
            String text = node.textValue();
            return secretKey || text.startsWith("eyJ") && JWT.matcher(text).matches() ? TextNode.valueOf(REDACTED) : node;
        }
        if (node.isObject()) {
            ObjectNode out = null;
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode value = redact(e.getValue(), secretKey(e.getKey()));
                if (value != e.getValue() && out == null) {
                    // shallow: unchanged children are shared, changed ones replaced below
                    out = JsonNodeFactory.instance.objectNode().setAll((ObjectNode) node);
                }
                if (out != null) {
                    out.set(e.getKey(), value);
                }
            }
            return out == null ? node : out;
        }
        if (node.isArray()) {
            ArrayNode out = null;
            for (int i = 0; i < node.size(); i++) {
                JsonNode value = redact(node.get(i), secretKey);
                if (value != node.get(i) && out == null) {
                    out = JsonNodeFactory.instance.arrayNode().addAll((ArrayNode) node);
                }
                if (out != null) {
                    out.set(i, value);
                }
            }
            return out == null ? node : out;
        }
        return node;
    }
}
