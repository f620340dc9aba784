package dev.lanyard.mcp.jsonrpc;

import com.fasterxml.jackson.databind.JsonNode;

/** A message the adapter refuses before anything else looks at it; {@link #error()} is what the client gets. */
public final class JsonRpcException extends Exception {
    private final transient JsonRpcError error;
    private final transient JsonNode id;

    public JsonRpcException(JsonRpcError error, JsonNode id) {
        super(error.message(), null, false, false);
        this.error = error;
        this.id = id;
    }

    public JsonRpcError error() {
        return error;
    }

    /** The offending request's id when it could be read, else null. */
    public JsonNode id() {
        return id;
    }
}
