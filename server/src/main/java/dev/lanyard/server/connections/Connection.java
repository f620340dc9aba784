package dev.lanyard.server.connections;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lanyard.server.http.Versioned;
import java.time.Instant;
import java.util.List;

/**
 * Which agent may reach which authorization server — one of its resources, or (no resource) any of them — how, and
 * with which scopes.
 */
public record Connection(
        String id,
        @JsonIgnore long seq,
        @JsonProperty("agent_id") String agentId,
        @JsonProperty("authorization_server") ServerRef authorizationServer,
        ResourceRef resource,
        @JsonProperty("connection_type") ConnectionType connectionType,
        @JsonProperty("scope_condition") ScopeCondition scopeCondition,
        List<String> scopes,
        ConnectionStatus status,
        int version,
        Instant created,
        Instant updated,
        @JsonProperty("created_by") String createdBy) implements Versioned {

    public record ServerRef(String id, String name, String issuer) {}

    public record ResourceRef(String id, String uri) {}
}
