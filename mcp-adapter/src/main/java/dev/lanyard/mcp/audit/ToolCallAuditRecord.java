package dev.lanyard.mcp.audit;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import dev.lanyard.mcp.decision.Decision;
import dev.lanyard.mcp.jsonrpc.ResponseOutcome;
import dev.lanyard.mcp.token.VerifiedToken;
import java.util.List;
import java.util.Map;

/**
 * One MCP {@code tools/call}, allowed or refused, as the server's tool-call audit ingest stores it (event type
 * {@code mcp.tool_call}). Argument values are never kept: only the SHA-256 of their canonical JSON. The token is
 * described by its claims, never included. {@code id} is generated here and makes resending safe: the server
 * acknowledges a repeated id as a duplicate instead of storing it twice.
 *
 * @param denial how a refusal reached the client: {@code insufficient_scope} (403 challenge), {@code tool_error}
 *               ({@code isError} result), or null (allowed, or refused before authorization, e.g. an invalid token)
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ToolCallAuditRecord(
        String id,
        String time,
        String resource,
        String method,
        String tool,
        @JsonProperty("jsonrpc_id") JsonNode jsonrpcId,
        @JsonProperty("arguments_sha256") String argumentsSha256,
        TokenFacts token,
        @JsonProperty("agent_id") String agentId,
        DecisionFacts decision,
        Outcome outcome,
        String denial,
        @JsonProperty("latency_ms") double latencyMs,
        String traceparent,
        @JsonProperty("protocol_version") String protocolVersion,
        @JsonProperty("client_info") ClientInfo clientInfo,
        @JsonProperty("session_id") String sessionId) {

    public static final String DENIAL_SCOPE = "insufficient_scope";
    public static final String DENIAL_TOOL_ERROR = "tool_error";

    /** What the token said about who called (claims only). */
    public record TokenFacts(String jti, String iss, String sub, @JsonProperty("client_id") String clientId, String scope,
                             List<String> aud, Map<String, Object> act) {
        public static TokenFacts of(VerifiedToken t) {
            return t == null ? null : new TokenFacts(t.jti(), t.issuer(), t.subject(), t.clientId(), t.scope(), t.audience(), t.act());
        }
    }

    public record DecisionFacts(boolean allow, List<String> reasons, @JsonProperty("decision_id") String decisionId,
                                @JsonProperty("policy_revision") String policyRevision) {
        public static DecisionFacts of(Decision d) {
            return d == null ? null : new DecisionFacts(d.allow(), d.reasons(), d.decisionId(), d.policyRevision());
        }

        /** A refusal that happened before the policy was asked (invalid token, kill switch, header mismatch). */
        public static DecisionFacts refusedBeforePolicy(String reason) {
            return new DecisionFacts(false, List.of(reason), null, null);
        }
    }

    /** @param outcomeClass ok | tool_error | jsonrpc_error | http_error | denied */
    public record Outcome(@JsonProperty("class") String outcomeClass, Integer code, @JsonProperty("http_status") Integer httpStatus) {
        public static Outcome of(ResponseOutcome o) {
            return new Outcome(o.outcomeClass(), o.code(), o.httpStatus());
        }
    }

    public record ClientInfo(String name, String version) {
        public static ClientInfo of(JsonNode n) {
            return n == null || !n.isObject() ? null : new ClientInfo(n.path("name").textValue(), n.path("version").textValue());
        }
    }
}
