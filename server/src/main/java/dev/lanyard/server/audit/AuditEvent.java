package dev.lanyard.server.audit;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/** A stored audit event, as the API returns it. */
public record AuditEvent(
        long seq,
        @JsonProperty("event_id") String eventId,
        Instant time,
        String type,
        String actor,
        String target,
        String outcome,
        @JsonProperty("request_id") String requestId,
        @JsonProperty("client_ip") String clientIp,
        JsonNode details,
        @JsonProperty("prev_hash") String prevHash,
        String hash) {}
