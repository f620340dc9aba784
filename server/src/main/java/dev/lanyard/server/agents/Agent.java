package dev.lanyard.server.agents;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lanyard.server.http.Versioned;
import java.time.Instant;
import java.util.List;

/** A registered AI agent: a non-human identity with owners, a type, a risk level and a lifecycle. */
public record Agent(
        String id,
        @JsonIgnore long seq,
        String name,
        String description,
        @JsonProperty("agent_type") AgentType agentType,
        AgentStatus status,
        List<String> owners,
        @JsonProperty("owner_group_id") String ownerGroupId,
        @JsonProperty("risk_level") RiskLevel riskLevel,
        @JsonProperty("default_scopes") List<String> defaultScopes,
        @JsonProperty("max_session_seconds") int maxSessionSeconds,
        List<String> tags,
        @JsonProperty("linked_app_id") String linkedAppId,
        int version,
        Instant created,
        Instant updated,
        @JsonProperty("created_by") String createdBy) implements Versioned {}
