package dev.lanyard.mcp.killswitch;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * One event of the server's kill-switch feed ({@code GET /api/v1/revocations/stream}, event {@code revocation}): what
 * was cut off, and from when. Fields that do not apply are null.
 */
public record Revocation(long seq, String type, Instant time, String agentId, String userId, String keyId,
                         String connectionId, String jti, String sessionId) {

    public static Revocation fromJson(JsonNode n) {
        return new Revocation(n.path("seq").asLong(), n.path("type").asText(), Instant.parse(n.path("time").asText()),
                text(n, "agent_id"), text(n, "user_id"), text(n, "key_id"), text(n, "connection_id"), text(n, "jti"),
                text(n, "session_id"));
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
