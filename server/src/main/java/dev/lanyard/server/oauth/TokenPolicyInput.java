package dev.lanyard.server.oauth;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * What a token decision sees, shaped as DESIGN.md's input of {@code data.lanyard.token.decision}, so the same record
 * serialises into the Rego policy's input later.
 */
public record TokenPolicyInput(
        String grant,
        Agent agent,
        Principal principal,
        Connection connection,
        Resource resource,
        @JsonProperty("requested_scopes") List<String> requestedScopes,
        @JsonProperty("actor_chain") List<String> actorChain,
        Request request,
        Session session,
        List<Approval> approvals) {

    public TokenPolicyInput(String grant, Agent agent, Principal principal, Connection connection, Resource resource,
                            List<String> requestedScopes, List<String> actorChain, Request request, Session session) {
        this(grant, agent, principal, connection, resource, requestedScopes, actorChain, request, session, List.of());
    }

    /** An APPROVED, unexpired approval of this agent on this resource. */
    public record Approval(String id, String resource, List<String> scopes, String status,
                           @JsonProperty("expires_at") String expiresAt) {}

    public record Agent(String id, String type, String status, List<Owner> owners, String risk,
                        @JsonProperty("default_scopes") List<String> defaultScopes, List<String> tags,
                        @JsonProperty("max_session_seconds") int maxSessionSeconds) {}

    public record Owner(String id, String status) {}

    public record Principal(String id, String status, List<String> groups) {}

    /** {@code scopes}: what the connection allows on this resource, after its scope condition. */
    public record Connection(String id, String type, String status, List<String> scopes) {}

    public record Resource(String uri, List<String> tags, List<String> scopes) {}

    public record Request(String ip, String time) {}

    public record Session(@JsonProperty("trigger_reason") String triggerReason,
                          @JsonProperty("requested_ttl") Integer requestedTtl) {}
}
