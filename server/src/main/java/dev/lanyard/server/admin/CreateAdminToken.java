package dev.lanyard.server.admin;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/** Body of {@code POST /api/v1/admin-tokens}. */
public record CreateAdminToken(String name, Role role, @JsonProperty("expires_at") Instant expiresAt) {
    public CreateAdminToken {
        if (name == null || name.isBlank() || name.length() > 200) {
            throw new IllegalArgumentException("name is required (1 to 200 characters)");
        }
        if (role == null) {
            throw new IllegalArgumentException("role is required: 'admin', 'auditor' or 'adapter'");
        }
        if (expiresAt != null && !expiresAt.isAfter(Instant.now())) {
            throw new IllegalArgumentException("expires_at must be in the future");
        }
    }
}
