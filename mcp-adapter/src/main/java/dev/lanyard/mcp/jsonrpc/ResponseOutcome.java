package dev.lanyard.mcp.jsonrpc;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * How a tools/call ended, as the audit trail classifies it: a result ({@code ok}, or {@code tool_error} when
 * {@code isError} is true), a JSON-RPC error (with its code), an HTTP failure, or a refusal by the adapter.
 */
public record ResponseOutcome(String outcomeClass, Integer code, Integer httpStatus) {
    public static final String OK = "ok";
    public static final String TOOL_ERROR = "tool_error";
    public static final String JSONRPC_ERROR = "jsonrpc_error";
    public static final String HTTP_ERROR = "http_error";
    public static final String DENIED = "denied";

    /** Classifies the JSON-RPC response to our request (the caller matched the id). */
    public static ResponseOutcome of(JsonNode response, int httpStatus) {
        if (response.has("error")) {
            JsonNode code = response.path("error").path("code");
            return new ResponseOutcome(JSONRPC_ERROR, code.isIntegralNumber() ? code.intValue() : null, httpStatus);
        }
        boolean isError = response.path("result").path("isError").asBoolean(false);
        return new ResponseOutcome(isError ? TOOL_ERROR : OK, null, httpStatus);
    }

    public static ResponseOutcome httpError(int status) {
        return new ResponseOutcome(HTTP_ERROR, null, status);
    }

    public static ResponseOutcome denied(int httpStatus) {
        return new ResponseOutcome(DENIED, null, httpStatus);
    }

    /** True when {@code message} is the response to the request with {@code id}. */
    public static boolean answers(JsonNode message, JsonNode id) {
        return message != null && message.isObject() && id != null && id.equals(message.get("id"))
                && (message.has("result") || message.has("error")) && !message.has("method");
    }
}
