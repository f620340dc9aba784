package dev.lanyard.mcp.jsonrpc;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;
import java.util.function.Function;

/**
 * The Streamable HTTP request headers that mirror the body (MCP 2026-07-28, SEP-2243): {@code Mcp-Method} and
 * {@code Mcp-Name}. Intermediaries may route on them, so a request whose headers say one thing and whose body another
 * is refused (HTTP 400, JSON-RPC {@code -32020}) — authorization always uses the body, and the body only counts once
 * the headers agree with it. Requests of the 2026-07-28 era must send them; earlier eras may.
 */
public final class McpHeaders {
    public static final String METHOD = "Mcp-Method";
    public static final String NAME = "Mcp-Name";
    public static final String PROTOCOL_VERSION = "MCP-Protocol-Version";
    public static final String SESSION_ID = "Mcp-Session-Id";
    /** The first revision with mandatory mirrored headers (and without sessions). */
    public static final String STATELESS_ERA = "2026-07-28";
    private static final Set<String> NAMED_METHODS = Set.of("tools/call", "prompts/get", "resources/read");

    private McpHeaders() {}

    /** True for protocol versions of the stateless era (dates compare as strings). */
    public static boolean statelessEra(String protocolVersion) {
        return protocolVersion != null && protocolVersion.compareTo(STATELESS_ERA) >= 0;
    }

    /**
     * @param header          header lookup (case-insensitive in both HTTP stacks that call this)
     * @param protocolVersion the request's protocol version (header, else {@code _meta}), or null
     */
    public static void check(McpMessage m, Function<String, String> header, String protocolVersion) throws JsonRpcException {
        if (m.kind() == McpMessage.Kind.RESPONSE) {
            return;
        }
        String method = header.apply(METHOD);
        String name = header.apply(NAME);
        boolean required = statelessEra(protocolVersion);
        if (method == null) {
            if (required) {
                throw new JsonRpcException(JsonRpcError.headerMismatch("Mcp-Method header is required"), m.id());
            }
        } else if (!method.equals(m.method())) {
            throw new JsonRpcException(JsonRpcError.headerMismatch("Mcp-Method header does not match the body"), m.id());
        }
        if (NAMED_METHODS.contains(m.method())) {
            if (name == null) {
                if (required) {
                    throw new JsonRpcException(JsonRpcError.headerMismatch("Mcp-Name header is required"), m.id());
                }
            } else if (!decode(name).equals(m.name())) {
                throw new JsonRpcException(JsonRpcError.headerMismatch("Mcp-Name header does not match the body"), m.id());
            }
        } else if (name != null) {
            throw new JsonRpcException(JsonRpcError.headerMismatch("Mcp-Name header on a method without a name"), m.id());
        }
    }

    /** Values that are not plain ASCII travel as {@code =?base64?…?=} (UTF-8 inside). */
    static String decode(String value) {
        if (value.startsWith("=?base64?") && value.endsWith("?=") && value.length() >= 11) {
            try {
                return new String(Base64.getDecoder().decode(value.substring(9, value.length() - 2)), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return "\u0000invalid";
            }
        }
        return value;
    }
}
