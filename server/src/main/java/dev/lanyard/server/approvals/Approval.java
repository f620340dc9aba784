package dev.lanyard.server.approvals;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lanyard.server.directory.Rows;
import io.vertx.sqlclient.Row;
import java.time.Instant;
import java.util.List;

/**
 * A token request that the policy allows only once a person agrees: which agent, which resource, which scopes.
 * PENDING until an owner of the agent or an admin approves (good until {@code expires_at}) or denies it; a PENDING
 * request nobody decides lapses to EXPIRED.
 */
public record Approval(
        String id,
        @JsonIgnore long seq,
        @JsonProperty("agent_id") String agentId,
        String resource,
        List<String> scopes,
        @JsonProperty("grant_type") String grantType,
        List<String> reasons,
        String status,
        @JsonProperty("requested_at") Instant requestedAt,
        @JsonProperty("request_expires_at") Instant requestExpiresAt,
        @JsonProperty("decided_at") Instant decidedAt,
        @JsonProperty("decided_by") String decidedBy,
        String note,
        @JsonProperty("expires_at") Instant expiresAt) {

    static Approval of(Row r) {
        return new Approval(r.getString("id"), r.getLong("seq"), r.getString("agent_id"), r.getString("resource"),
                Rows.strings(r, "scopes"), r.getString("grant_type"), Rows.strings(r, "reasons"), r.getString("status"),
                Rows.instant(r, "requested_at"), Rows.instant(r, "request_expires_at"), Rows.instant(r, "decided_at"),
                r.getString("decided_by"), r.getString("decision_note"), Rows.instant(r, "expires_at"));
    }
}
