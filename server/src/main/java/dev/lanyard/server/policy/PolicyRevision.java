package dev.lanyard.server.policy;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;

/**
 * The policy set being served: its revision is the SHA-256 of its files (the same files give the same revision on
 * every instance), when and from where it was loaded, what it contains, and how its own tests did.
 */
public record PolicyRevision(
        String revision,
        @JsonProperty("loaded_at") Instant loadedAt,
        String source,
        List<File> files,
        List<String> entrypoints,
        Tests tests) {

    public record File(String path, long size, String sha256) {}

    public record Tests(int passed, int total) {}
}
