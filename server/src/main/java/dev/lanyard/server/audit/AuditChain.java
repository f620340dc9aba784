package dev.lanyard.server.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * The hash chain: each event's hash is SHA-256 over a canonical JSON serialisation of all its fields, including the
 * previous event's hash. Canonical = keys sorted at every level, no insignificant white space, time in UTC with
 * microseconds (PostgreSQL's precision), so the same stored row always serialises to the same bytes.
 */
public final class AuditChain {
    public static final String GENESIS = "0".repeat(64);
    private static final ObjectMapper CANONICAL = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
            .withZone(java.time.ZoneOffset.UTC);

    private AuditChain() {}

    public static Instant truncate(Instant t) {
        return t.truncatedTo(ChronoUnit.MICROS);
    }

    public static String canonicalDetails(JsonNode details) {
        try {
            return CANONICAL.writeValueAsString(sorted(details == null ? CANONICAL.createObjectNode() : details));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String hash(long seq, String eventId, Instant time, String type, String actor, String target,
                              String outcome, String requestId, String clientIp, String canonicalDetails, String prevHash) {
        Map<String, Object> fields = new TreeMap<>();
        fields.put("seq", seq);
        fields.put("event_id", eventId);
        fields.put("time", TIME.format(truncate(time)));
        fields.put("type", type);
        fields.put("actor", actor);
        fields.put("target", target);
        fields.put("outcome", outcome);
        fields.put("request_id", requestId);
        fields.put("client_ip", clientIp);
        fields.put("prev_hash", prevHash);
        try {
            // details are embedded as their canonical text so that a stored row re-serialises identically
            String head = CANONICAL.writeValueAsString(fields);
            String canonical = head.substring(0, head.length() - 1) + ",\"details\":" + canonicalDetails + "}";
            return sha256(canonical);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String hash(AuditEvent e) {
        return hash(e.seq(), e.eventId(), e.time(), e.type(), e.actor(), e.target(), e.outcome(), e.requestId(),
                e.clientIp(), canonicalDetails(e.details()), e.prevHash());
    }

    private static JsonNode sorted(JsonNode node) {
        if (node.isObject()) {
            ObjectNode out = CANONICAL.createObjectNode();
            TreeMap<String, JsonNode> fields = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                fields.put(f.getKey(), sorted(f.getValue()));
            }
            fields.forEach(out::set);
            return out;
        }
        if (node.isArray()) {
            var out = CANONICAL.createArrayNode();
            node.forEach(n -> out.add(sorted(n)));
            return out;
        }
        return node;
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
