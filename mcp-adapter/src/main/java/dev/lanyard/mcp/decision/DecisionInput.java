package dev.lanyard.mcp.decision;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lanyard.mcp.http.Json;
import dev.lanyard.mcp.token.VerifiedToken;
import java.time.Instant;

/**
 * Builds the input document of {@code data.lanyard.mcp.decision}:
 * {@code {token{sub,client_id,scope,act,jti,iss,aud,agent_id}, agent, principal{id}, server{resource},
 * tool{name,arguments}, request{method,ip,time}}}.
 *
 * <p>{@code agent} is null: the adapter knows the agent only by the id in its token, not its status, type or tags.
 * That an agent is still active is what the kill switch establishes before the policy is asked.
 */
public final class DecisionInput {
    private DecisionInput() {}

    public static ObjectNode of(VerifiedToken token, String resource, String method, String toolName, JsonNode arguments,
                                String clientIp, Instant time) {
        ObjectNode input = Json.object();
        ObjectNode t = input.putObject("token");
        t.put("sub", token.subject()).put("client_id", token.clientId()).put("scope", token.scope())
                .put("jti", token.jti()).put("iss", token.issuer()).put("agent_id", token.agentId());
        if (token.act() != null) {
            t.set("act", Json.MAPPER.valueToTree(token.act()));
        } else {
            t.putNull("act");
        }
        token.audience().forEach(t.putArray("aud")::add);
        input.putNull("agent");
        String principal = token.principalId();
        if (principal != null) {
            input.putObject("principal").put("id", principal);
        } else {
            input.putNull("principal");
        }
        input.putObject("server").put("resource", resource);
        ObjectNode tool = input.putObject("tool");
        tool.put("name", toolName);
        tool.set("arguments", arguments == null ? Json.object() : arguments);
        input.putObject("request").put("method", method).put("ip", clientIp).put("time", time.toString());
        return input;
    }
}
