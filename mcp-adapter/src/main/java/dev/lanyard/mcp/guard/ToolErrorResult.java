package dev.lanyard.mcp.guard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lanyard.mcp.http.Json;
import dev.lanyard.mcp.jsonrpc.McpHeaders;

/**
 * The answer to a tools/call the policy refused for a reason no scope can fix: an ordinary tool result with
 * {@code isError: true} and a short text, so the model reads it and moves on (a JSON-RPC error would look like a
 * broken server, and "unknown tool" would be a lie). No policy internals: the reasons go to the audit trail.
 */
public final class ToolErrorResult {
    private ToolErrorResult() {}

    public static ObjectNode response(JsonNode id, String text, String protocolVersion) {
        ObjectNode n = Json.object().put("jsonrpc", "2.0");
        n.set("id", id == null ? NullNode.getInstance() : id);
        ObjectNode result = n.putObject("result");
        result.putArray("content").addObject().put("type", "text").put("text", text);
        result.put("isError", true);
        if (McpHeaders.statelessEra(protocolVersion)) {
            // 2026-07-28 results say whether they are complete (as opposed to asking for input)
            result.put("resultType", "complete");
        }
        return n;
    }
}
