package dev.lanyard.server.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/** An admin token as the API shows it; {@code token} (the secret) is present only in the answer that created it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AdminToken(
        String id,
        String name,
        Role role,
        Instant created,
        @JsonProperty("created_by") String createdBy,
        @JsonProperty("expires_at") Instant expiresAt,
        @JsonProperty("last_used") Instant lastUsed,
        String token) {}
