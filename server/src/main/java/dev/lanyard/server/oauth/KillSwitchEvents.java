package dev.lanyard.server.oauth;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lanyard.server.audit.AuditEvent;
import java.time.Instant;
import java.util.List;

/**
 * The revocation feed is a view of the audit trail: the events after which tokens derived from something stop being
 * good. Being the audit trail, it is gap-free, ordered, resumable, and shared by every instance on the database.
 */
public final class KillSwitchEvents {
    public static final List<String> TYPES = List.of("agent.deactivated", "agent.deleted",
            "agent.credential.deactivated", "agent.credential.deleted", "user.suspended", "user.deprovisioned",
            "user.deleted", "connection.deactivated", "connection.deleted", "oauth.token.revoked");

    private KillSwitchEvents() {}

    /** One revocation as subscribers see it: what was cut off, and from when. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Revocation(
            long seq,
            String type,
            Instant time,
            @JsonProperty("agent_id") String agentId,
            @JsonProperty("user_id") String userId,
            @JsonProperty("key_id") String keyId,
            @JsonProperty("connection_id") String connectionId,
            String jti,
            @JsonProperty("session_id") String sessionId) {}

    public static Revocation view(AuditEvent e) {
        String target = e.target() == null ? "" : e.target();
        var d = e.details();
        return new Revocation(e.seq(), e.type(), e.time(),
                target.startsWith("agt_") ? target : text(d, "agent"),
                target.startsWith("usr_") ? target : text(d, "principal"),
                text(d, "key_id"),
                target.startsWith("con_") ? target : null,
                text(d, "jti"), text(d, "session"));
    }

    private static String text(com.fasterxml.jackson.databind.JsonNode d, String field) {
        var n = d == null ? null : d.get(field);
        return n == null || n.isNull() ? null : n.asText();
    }
}
