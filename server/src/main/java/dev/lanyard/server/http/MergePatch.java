package dev.lanyard.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lanyard.server.http.ApiException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reading a JSON merge patch (RFC 7396) member by member: absent members are {@link Optional#empty()}, a
 * {@code null} member clears an optional field ({@link #nullable}), wrong types are {@link IllegalArgumentException}s
 * naming the field. Every PATCH endpoint reads its body through here.
 */
public final class MergePatch {
    private MergePatch() {}

    /** The request body as a JSON tree (empty or malformed bodies are 400s). */
    public static JsonNode read(io.vertx.ext.web.RoutingContext ctx) {
        var body = ctx.body().buffer();
        if (body == null || body.length() == 0) {
            throw new ApiException(ErrorCode.MALFORMED_BODY,
                    "The request body is empty; a JSON object is required");
        }
        return Json.read(body, JsonNode.class);
    }

    /**
     * The body as an object whose members are all in {@code fields}; a member of {@code immutable} is refused with
     * its own message. At least one member other than {@code version} is required.
     */
    public static ObjectNode object(JsonNode body, Set<String> fields, Map<String, String> immutable) {
        if (!(body instanceof ObjectNode obj)) {
            throw ApiException.invalid("The request body must be a JSON object");
        }
        for (Iterator<String> it = obj.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (immutable.containsKey(f)) {
                throw ApiException.invalid(immutable.get(f));
            }
            if (!fields.contains(f)) {
                throw ApiException.invalid("Unknown field '" + f + "'");
            }
        }
        if (obj.size() == (obj.has("version") ? 1 : 0)) {
            throw ApiException.invalid("nothing to update");
        }
        return obj;
    }

    public static Optional<String> text(ObjectNode obj, String f) {
        JsonNode n = obj.get(f);
        if (n == null) {
            return Optional.empty();
        }
        if (!n.isTextual()) {
            throw new IllegalArgumentException("Field '" + f + "' must be a string");
        }
        return Optional.of(n.textValue());
    }

    /** Absent: empty; {@code null}: present and empty (clear the field); a string: present with the value. */
    public static Optional<Optional<String>> nullable(ObjectNode obj, String f) {
        JsonNode n = obj.get(f);
        if (n == null) {
            return Optional.empty();
        }
        if (n.isNull()) {
            return Optional.of(Optional.empty());
        }
        return Optional.of(text(obj, f));
    }

    public static Optional<Integer> integer(ObjectNode obj, String f) {
        JsonNode n = obj.get(f);
        if (n == null) {
            return Optional.empty();
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt()) {
            throw new IllegalArgumentException("Field '" + f + "' must be an integer");
        }
        return Optional.of(n.intValue());
    }

    public static Optional<List<String>> strings(ObjectNode obj, String f) {
        JsonNode n = obj.get(f);
        if (n == null) {
            return Optional.empty();
        }
        if (!n.isArray()) {
            throw new IllegalArgumentException("Field '" + f + "' must be an array of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : n) {
            if (!e.isTextual()) {
                throw new IllegalArgumentException("Field '" + f + "' must be an array of strings");
            }
            out.add(e.textValue());
        }
        return Optional.of(out);
    }

    /** The {@code version} member, if any (for {@code Preconditions.expectedVersion}). */
    public static Integer version(ObjectNode obj) {
        try {
            return integer(obj, "version").orElse(null);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(e.getMessage());
        }
    }
}
