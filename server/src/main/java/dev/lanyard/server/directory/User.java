package dev.lanyard.server.directory;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lanyard.server.http.Versioned;
import java.time.Instant;

/** A human principal as the API shows it. The password hash is never part of it. */
public record User(
        String id,
        @JsonIgnore long seq,
        String login,
        String email,
        @JsonProperty("display_name") String displayName,
        UserStatus status,
        int version,
        Instant created,
        Instant updated,
        @JsonProperty("created_by") String createdBy) implements Versioned {}
