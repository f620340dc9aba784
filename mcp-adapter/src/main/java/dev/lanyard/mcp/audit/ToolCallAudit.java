package dev.lanyard.mcp.audit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanyard.mcp.decision.Decision;
import dev.lanyard.mcp.http.Json;
import dev.lanyard.mcp.jsonrpc.McpMessage;
import dev.lanyard.mcp.jsonrpc.ResponseOutcome;
import dev.lanyard.mcp.token.VerifiedToken;
import java.time.Clock;

/**
 * Collects the facts of one tools/call while it is handled — the request when it arrives, the token and the decision
 * when they are known, the outcome at the end — and turns them into exactly one {@link ToolCallAuditRecord}. Used
 * by one request at a time; {@link #finish} may be called once.
 */
public final class ToolCallAudit {
    private final String id = RecordId.next();
    private final String time;
    private final long startNanos = System.nanoTime();
    private final String resource;
    private final String tool;
    private final JsonNode jsonrpcId;
    private final String argumentsSha256;
    private final String traceparent;
    private String protocolVersion;
    private ToolCallAuditRecord.ClientInfo clientInfo;
    private String sessionId;
    private VerifiedToken token;
    private ToolCallAuditRecord.DecisionFacts decision;
    private boolean finished;

    public ToolCallAudit(Clock clock, String resource, McpMessage call, String traceparentHeader) {
        this.time = clock.instant().toString();
        this.resource = resource;
        this.tool = call.name();
        this.jsonrpcId = call.id();
        this.argumentsSha256 = Json.canonicalSha256(call.arguments());
        this.traceparent = call.traceparent() != null ? call.traceparent() : traceparentHeader;
        this.protocolVersion = call.metaProtocolVersion();
        this.clientInfo = ToolCallAuditRecord.ClientInfo.of(call.clientInfo());
    }

    public ToolCallAudit protocolVersion(String v) {
        if (protocolVersion == null) {
            protocolVersion = v;
        }
        return this;
    }

    public ToolCallAudit clientInfo(ToolCallAuditRecord.ClientInfo info) {
        if (clientInfo == null) {
            clientInfo = info;
        }
        return this;
    }

    public ToolCallAudit sessionId(String s) {
        sessionId = s;
        return this;
    }

    public ToolCallAudit token(VerifiedToken t) {
        token = t;
        return this;
    }

    public ToolCallAudit decision(Decision d) {
        decision = ToolCallAuditRecord.DecisionFacts.of(d);
        return this;
    }

    public ToolCallAudit refusedBeforePolicy(String reason) {
        decision = ToolCallAuditRecord.DecisionFacts.refusedBeforePolicy(reason);
        return this;
    }

    /** The record; {@code denial} is null unless the adapter refused the call in one of the two MCP-visible ways. */
    public ToolCallAuditRecord finish(ResponseOutcome outcome, String denial) {
        if (finished) {
            throw new IllegalStateException("tool call " + id + " already audited");
        }
        finished = true;
        double latencyMs = (System.nanoTime() - startNanos) / 1e6;
        return new ToolCallAuditRecord(id, time, resource, McpMessage.TOOLS_CALL, tool, jsonrpcId, argumentsSha256,
                ToolCallAuditRecord.TokenFacts.of(token), token == null ? null : token.agentId(), decision,
                ToolCallAuditRecord.Outcome.of(outcome), denial, Math.round(latencyMs * 1000) / 1000.0, traceparent,
                protocolVersion, clientInfo, sessionId);
    }

    public boolean finished() {
        return finished;
    }
}
