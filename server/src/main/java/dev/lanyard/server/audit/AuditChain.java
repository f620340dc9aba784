package dev.lanyard.server.audit;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.JsonSerializable;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;

/**
 * The hash chain: each event's hash is SHA-256 over a canonical JSON serialisation of all its fields, including the
 * previous event's hash. Canonical = keys sorted at every level, no insignificant white space, time in UTC with
 * microseconds (PostgreSQL's precision), so the same stored row always serialises to the same bytes.
 */
public final class AuditChain {
    public static final String GENESIS = "0".repeat(64);
    private static final char REPLACEMENT = 0xFFFD;
    private static final HexFormat UPPER_HEX = HexFormat.of().withUpperCase();
    /** Its generators write the canonical text and the hash's input; {@link #writeSorted} orders the keys. */
    private static final ObjectMapper CANONICAL = JsonMapper.builder().build();
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
            .withZone(java.time.ZoneOffset.UTC);

    private AuditChain() {}

    public static Instant truncate(Instant t) {
        return t.truncatedTo(ChronoUnit.MICROS);
    }

    /**
     * Keys sorted (by {@code String.compareTo}) at every level, values written by Jackson as it always wrote them.
     * Each object's names are sorted in an array: Jackson's own sorted output copies every object into a
     * {@code TreeMap} first, about a twelfth of the server's CPU while it stored tool-call records.
     */
    public static String canonicalDetails(JsonNode details) {
        StringWriter out = new StringWriter(512);
        try (JsonGenerator g = CANONICAL.getFactory().createGenerator(out)) {
            writeSorted(g, details == null ? CANONICAL.createObjectNode() : details, new SerializerProvider[1]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return escapeLoneSurrogates(out.toString());
    }

    /**
     * A string may hold a lone UTF-16 surrogate (JSON input can escape one: backslash, u, D800) that no UTF-8 text can
     * carry: the hash could not be computed, and PostgreSQL would be sent a {@code ?} in its place. In canonical text
     * such a character can only stand inside a string literal, where it is written as its JSON escape (backslash, u,
     * four upper-case hex digits), which reads back as the same string. Text without one (every chain stored so far) is
     * returned as it is.
     */
    private static String escapeLoneSurrogates(String text) {
        int at = loneSurrogate(text, 0);
        if (at < 0) {
            return text;
        }
        StringBuilder b = new StringBuilder(text.length() + 16);
        int from = 0;
        for (; at >= 0; at = loneSurrogate(text, from)) {
            b.append(text, from, at).append("\\u").append(UPPER_HEX.toHexDigits(text.charAt(at)));
            from = at + 1;
        }
        return b.append(text, from, text.length()).toString();
    }

    /**
     * The same text with each lone surrogate and each NUL replaced by U+FFFD: what a plain column (no escapes) can
     * hold — UTF-8 cannot carry the one and PostgreSQL refuses the other — so it is stored and read back unchanged.
     */
    public static String storable(String text) {
        if (text == null || loneSurrogate(text, 0) < 0 && text.indexOf('\0') < 0) {
            return text;
        }
        StringBuilder b = new StringBuilder(text);
        for (int at = loneSurrogate(text, 0); at >= 0; at = loneSurrogate(text, at + 1)) {
            b.setCharAt(at, REPLACEMENT);
        }
        for (int at = text.indexOf('\0'); at >= 0; at = text.indexOf('\0', at + 1)) {
            b.setCharAt(at, REPLACEMENT);
        }
        return b.toString();
    }

    /** The index of the first surrogate at or after {@code from} that is not half of a pair, or -1. */
    private static int loneSurrogate(String text, int from) {
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                } else {
                    return i;
                }
            }
        }
        return -1;
    }

    /** @param provider the serializer provider for leaves other than text and booleans, made on first need */
    private static void writeSorted(JsonGenerator g, JsonNode node, SerializerProvider[] provider) throws IOException {
        switch (node.getNodeType()) {
            case OBJECT -> {
                String[] names = new String[node.size()];
                int i = 0;
                for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                    names[i++] = it.next();
                }
                Arrays.sort(names);
                g.writeStartObject();
                for (String name : names) {
                    g.writeFieldName(name);
                    writeSorted(g, node.get(name), provider);
                }
                g.writeEndObject();
            }
            case ARRAY -> {
                g.writeStartArray();
                for (JsonNode element : node) {
                    writeSorted(g, element, provider);
                }
                g.writeEndArray();
            }
            case STRING -> g.writeString(node.textValue());
            case BOOLEAN -> g.writeBoolean(node.booleanValue());
            case NULL -> g.writeNull();
            default -> {
                if (provider[0] == null) {
                    provider[0] = CANONICAL.getSerializerProviderInstance();
                }
                ((JsonSerializable) node).serialize(g, provider[0]);
            }
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
