package dev.lanyard.mcp.jsonrpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.lanyard.mcp.http.Json;
import java.io.IOException;

/**
 * One JSON-RPC message a client POSTs to an MCP endpoint, read strictly (duplicate keys refused) so that what the
 * adapter authorizes is exactly what the server will execute. Requests carry {@code method} and {@code id},
 * notifications only {@code method}, and responses (to server-initiated requests such as elicitation) {@code id} with
 * {@code result} or {@code error}.
 */
public record McpMessage(Kind kind, JsonNode id, String method, JsonNode params) {
    public enum Kind { REQUEST, NOTIFICATION, RESPONSE }

    public static final String TOOLS_CALL = "tools/call";
    public static final String TOOLS_LIST = "tools/list";
    public static final String INITIALIZE = "initialize";
    public static final String META_PROTOCOL_VERSION = "io.modelcontextprotocol/protocolVersion";
    public static final String META_CLIENT_INFO = "io.modelcontextprotocol/clientInfo";

    public static McpMessage parse(byte[] body) throws JsonRpcException {
        JsonNode n;
        try {
            n = Json.parse(body);
        } catch (IOException e) {
            throw new JsonRpcException(JsonRpcError.parseError("request body is not valid JSON"), null);
        }
        if (n == null || n.isMissingNode()) {
            throw new JsonRpcException(JsonRpcError.parseError("request body is empty"), null);
        }
        if (n.isArray()) {
            // batches were removed in 2025-06-18; authorizing each element separately is not worth their ambiguity
            throw new JsonRpcException(JsonRpcError.invalidRequest("JSON-RPC batches are not supported"), null);
        }
        if (!n.isObject()) {
            throw new JsonRpcException(JsonRpcError.invalidRequest("a JSON-RPC message must be an object"), null);
        }
        JsonNode id = n.get("id");
        if (id != null && !(id.isTextual() || id.isIntegralNumber() || id.isNull())) {
            throw new JsonRpcException(JsonRpcError.invalidRequest("id must be a string or an integer"), null);
        }
        if (!"2.0".equals(n.path("jsonrpc").textValue())) {
            throw new JsonRpcException(JsonRpcError.invalidRequest("jsonrpc must be \"2.0\""), id);
        }
        JsonNode method = n.get("method");
        JsonNode params = n.get("params");
        if (params != null && !params.isObject()) {
            throw new JsonRpcException(JsonRpcError.invalidRequest("params must be an object"), id);
        }
        if (method == null) {
            if (id != null && (n.has("result") || n.has("error"))) {
                return new McpMessage(Kind.RESPONSE, id, null, MissingNode.getInstance());
            }
            throw new JsonRpcException(JsonRpcError.invalidRequest("method is missing"), id);
        }
        if (!method.isTextual() || method.textValue().isEmpty()) {
            throw new JsonRpcException(JsonRpcError.invalidRequest("method must be a non-empty string"), id);
        }
        McpMessage m = new McpMessage(id == null ? Kind.NOTIFICATION : Kind.REQUEST, id, method.textValue(),
                params == null ? MissingNode.getInstance() : params);
        if (m.isToolCall()) {
            JsonNode name = m.params.get("name");
            if (name == null || !name.isTextual() || name.textValue().isEmpty()) {
                throw new JsonRpcException(JsonRpcError.invalidParams("tools/call needs params.name (a string)"), id);
            }
            JsonNode args = m.params.get("arguments");
            if (args != null && !args.isObject() && !args.isNull()) {
                throw new JsonRpcException(JsonRpcError.invalidParams("tools/call params.arguments must be an object"), id);
            }
        }
        return m;
    }

    public boolean isToolCall() {
        return kind == Kind.REQUEST && TOOLS_CALL.equals(method);
    }

    /** {@code params.name} of tools/call and prompts/get, {@code params.uri} of resources/read: what Mcp-Name mirrors. */
    public String name() {
        if ("resources/read".equals(method) || "resources/subscribe".equals(method) || "resources/unsubscribe".equals(method)) {
            return params.path("uri").textValue();
        }
        return params.path("name").textValue();
    }

    /** The tool's arguments ({@code {}} when absent). */
    public JsonNode arguments() {
        JsonNode a = params.get("arguments");
        return a == null || a.isNull() ? Json.object() : a;
    }

    public JsonNode meta() {
        return params.path("_meta");
    }

    /** W3C trace context from {@code params._meta.traceparent}, if the client sent one. */
    public String traceparent() {
        return meta().path("traceparent").textValue();
    }

    /** 2026-07-28 carries the protocol version in every request's {@code _meta}. */
    public String metaProtocolVersion() {
        return meta().path(META_PROTOCOL_VERSION).textValue();
    }

    /** 2026-07-28: per-request client info in {@code _meta}; 2025-11-25: {@code params.clientInfo} of initialize. */
    public JsonNode clientInfo() {
        JsonNode m = meta().path(META_CLIENT_INFO);
        if (m.isObject()) {
            return m;
        }
        return INITIALIZE.equals(method) ? params.path("clientInfo") : MissingNode.getInstance();
    }
}
