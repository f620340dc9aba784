package dev.lanyard.server.directory;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lanyard.server.http.Versioned;
import java.time.Instant;

/** A group of users (agents may name one as owner group). */
public record Group(
        String id,
        @JsonIgnore long seq,
        String name,
        String description,
        int version,
        Instant created,
        Instant updated,
        @JsonProperty("created_by") String createdBy) implements Versioned {}
