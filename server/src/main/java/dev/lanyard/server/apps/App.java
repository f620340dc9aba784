package dev.lanyard.server.apps;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import dev.lanyard.server.http.Versioned;
import java.time.Instant;
import java.util.List;

/**
 * An OIDC sign-on app: a client of the org authorization server through which users sign in for an agent. Its
 * {@code client_id} is its id. The client secret is never part of it (only its hash is stored).
 */
@JsonPropertyOrder({"id", "client_id"})
public record App(
        String id,
        @JsonIgnore long seq,
        String name,
        @JsonProperty("client_type") ClientType clientType,
        @JsonProperty("token_endpoint_auth_method") AuthMethod tokenEndpointAuthMethod,
        @JsonProperty("redirect_uris") List<String> redirectUris,
        JsonNode jwks,
        AppStatus status,
        @JsonProperty("linked_agents") List<String> linkedAgents,
        int version,
        Instant created,
        Instant updated,
        @JsonProperty("created_by") String createdBy) implements Versioned {

    @JsonProperty("client_id")
    public String clientId() {
        return id;
    }
}
