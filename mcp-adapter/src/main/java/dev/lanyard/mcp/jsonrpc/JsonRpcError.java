package dev.lanyard.mcp.jsonrpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lanyard.mcp.http.Json;

/**
 * A JSON-RPC 2.0 error the adapter answers itself, with the HTTP status Streamable HTTP gives it. Codes are the
 * standard ones and MCP's reserved {@code -32020} (header/body mismatch, 2026-07-28); the adapter's own refusals use
 * {@code -32001}/{@code -32003} from the implementation-defined range {@code -32000..-32019}.
 */
public record JsonRpcError(int httpStatus, int code, String message) {
    public static final int PARSE_ERROR = -32700;
    public static final int INVALID_REQUEST = -32600;
    public static final int INVALID_PARAMS = -32602;
    public static final int HEADER_MISMATCH = -32020;
    /** Authorization is temporarily impossible (keys, revocation feed or decision service unavailable). */
    public static final int UNAVAILABLE = -32001;
    /** The session belongs to another principal. */
    public static final int SESSION_FORBIDDEN = -32003;

    public static JsonRpcError parseError(String message) {
        return new JsonRpcError(400, PARSE_ERROR, message);
    }

    public static JsonRpcError invalidRequest(String message) {
        return new JsonRpcError(400, INVALID_REQUEST, message);
    }

    public static JsonRpcError invalidParams(String message) {
        return new JsonRpcError(400, INVALID_PARAMS, message);
    }

    public static JsonRpcError headerMismatch(String message) {
        return new JsonRpcError(400, HEADER_MISMATCH, message);
    }

    public static JsonRpcError unavailable(String message) {
        return new JsonRpcError(503, UNAVAILABLE, message);
    }

    /** The response object; {@code id} is the request's id, or null when it could not be read. */
    public ObjectNode toJson(JsonNode id) {
        ObjectNode n = Json.object().put("jsonrpc", "2.0");
        n.set("id", id == null ? NullNode.getInstance() : id);
        n.putObject("error").put("code", code).put("message", message);
        return n;
    }
}
