package dev.lanyard.loadtest.scenarios;

import dev.lanyard.loadtest.scenario.RequestPlan;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One MCP {@code tools/call} as a stateless (2026-07-28 style) Streamable HTTP request: the mirrored
 * {@code Mcp-Method}/{@code Mcp-Name} headers and the protocol version in {@code _meta}, so the same bytes go to the
 * upstream directly and through the proxy — the only difference being the bearer token the proxy needs.
 */
final class McpToolCall {
    static final String TOOL = "read_ticket";
    static final String BODY = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"" + TOOL
            + "\",\"arguments\":{\"id\":\"T-1\"},\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
            + "\"io.modelcontextprotocol/clientInfo\":{\"name\":\"lanyard-load\",\"version\":\"0.1.0\"}}}}";

    private McpToolCall() {}

    static Map<String, String> headers(String bearer) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Type", "application/json");
        h.put("Accept", "application/json, text/event-stream");
        h.put("MCP-Protocol-Version", "2026-07-28");
        h.put("Mcp-Method", "tools/call");
        h.put("Mcp-Name", TOOL);
        if (bearer != null) {
            h.put("Authorization", "Bearer " + bearer);
        }
        return h;
    }

    /** The request plan; {@code bearer} null for the upstream, which knows nothing of tokens. */
    static RequestPlan plan(String path, String bearer) {
        Buffer body = Buffer.buffer(BODY);
        return new RequestPlan(HttpMethod.POST, path, headers(bearer), () -> body);
    }
}
