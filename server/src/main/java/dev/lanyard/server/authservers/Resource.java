package dev.lanyard.server.authservers;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lanyard.server.http.Versioned;
import java.time.Instant;
import java.util.List;

/** A protected resource (RFC 8707 resource indicator, e.g. an MCP server URL) and the scopes it defines. */
public record Resource(
        String id,
        @JsonProperty("authorization_server_id") String serverId,
        String uri,
        String name,
        List<String> scopes,
        List<String> tags,
        int version,
        Instant created,
        Instant updated) implements Versioned {}
