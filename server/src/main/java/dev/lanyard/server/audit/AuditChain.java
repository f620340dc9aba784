package dev.lanyard.server.audit;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;

/**
 * The hash chain: each event's hash is SHA-256 over a canonical JSON serialisation of all its fields, including the
 * previous event's hash. Canonical = keys sorted at every level, no insignificant white space, time in UTC with
 * microseconds (PostgreSQL's precision), so the same stored row always serialises to the same bytes.
 */
public final class AuditChain {
    public static final String GENESIS = "0".repeat(64);
    /**
     * Sorts an object's properties as it writes them, at every level, so canonical text costs one pass over the
     * details instead of a sorted copy of their tree (it runs for every audit event, decisions and tool calls
     * included).
     */
    private static final ObjectMapper CANONICAL = JsonMapper.builder()
            .enable(JsonNodeFeature.WRITE_PROPERTIES_SORTED)
            .build();
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
            .withZone(java.time.ZoneOffset.UTC);

    private AuditChain() {}

    public static Instant truncate(Instant t) {
        return t.truncatedTo(ChronoUnit.MICROS);
    }

    public static String canonicalDetails(JsonNode details) {
        try {
            return CANONICAL.writeValueAsString(details == null ? CANONICAL.createObjectNode() : details);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The event's fields in key order, then {@code details} last, as their canonical text: the layout every stored
     * chain was hashed with, so it must not change.
     */
    public static String hash(long seq, String eventId, Instant time, String type, String actor, String target,
                              String outcome, String requestId, String clientIp, String canonicalDetails, String prevHash) {
        ByteArrayBuilder bytes = new ByteArrayBuilder(256 + canonicalDetails.length());
        try (JsonGenerator g = CANONICAL.getFactory().createGenerator(bytes, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeStringField("actor", actor);
            g.writeStringField("client_ip", clientIp);
            g.writeStringField("event_id", eventId);
            g.writeStringField("outcome", outcome);
            g.writeStringField("prev_hash", prevHash);
            g.writeStringField("request_id", requestId);
            g.writeNumberField("seq", seq);
            g.writeStringField("target", target);
            g.writeStringField("time", TIME.format(truncate(time)));
            g.writeStringField("type", type);
            g.writeFieldName("details");
            g.writeRawValue(canonicalDetails);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sha256(bytes.toByteArray());
    }

    public static String hash(AuditEvent e) {
        return hash(e.seq(), e.eventId(), e.time(), e.type(), e.actor(), e.target(), e.outcome(), e.requestId(),
                e.clientIp(), canonicalDetails(e.details()), e.prevHash());
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
