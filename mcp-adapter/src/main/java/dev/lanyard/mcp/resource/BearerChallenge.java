package dev.lanyard.mcp.resource;

import java.util.Collection;

/**
 * The {@code WWW-Authenticate: Bearer …} challenge of RFC 6750 §3 with RFC 9728's {@code resource_metadata}: what an
 * MCP client reads to find the authorization server (401) or to step up its scopes (403 {@code insufficient_scope}).
 *
 * @param status      401 or 403 (400 for {@code invalid_request})
 * @param error       null when no credentials were presented (RFC 6750 §3.1: then no error code is sent)
 * @param description a short, client-safe reason, or null
 * @param scope       the scopes the operation needs (space separated), or null
 */
public record BearerChallenge(int status, String error, String description, String scope, String resourceMetadata) {

    /** No token at all: point the client at the metadata, and say which scopes to ask for. */
    public static BearerChallenge missingToken(ProtectedResourceMetadata prm) {
        return new BearerChallenge(401, null, null, scopes(prm.scopesSupported()), prm.wellKnownUrl());
    }

    public static BearerChallenge invalidToken(ProtectedResourceMetadata prm, String description) {
        return new BearerChallenge(401, "invalid_token", description, null, prm.wellKnownUrl());
    }

    public static BearerChallenge invalidRequest(ProtectedResourceMetadata prm, String description) {
        return new BearerChallenge(400, "invalid_request", description, null, prm.wellKnownUrl());
    }

    /** The token is fine but too narrow: {@code scope} lists everything the call needs (MCP: all of it, at once). */
    public static BearerChallenge insufficientScope(ProtectedResourceMetadata prm, Collection<String> needed, String description) {
        return new BearerChallenge(403, "insufficient_scope", description, scopes(needed), prm.wellKnownUrl());
    }

    private static String scopes(Collection<String> s) {
        return s == null || s.isEmpty() ? null : String.join(" ", s);
    }

    /** The header value. Quoted strings are escaped; descriptions are limited to the characters RFC 6750 allows. */
    public String headerValue() {
        StringBuilder sb = new StringBuilder("Bearer ");
        boolean first = true;
        first = param(sb, first, "error", error);
        first = param(sb, first, "error_description", description == null ? null : safe(description));
        first = param(sb, first, "scope", scope);
        param(sb, first, "resource_metadata", resourceMetadata);
        return sb.toString();
    }

    private static boolean param(StringBuilder sb, boolean first, String name, String value) {
        if (value == null) {
            return first;
        }
        if (!first) {
            sb.append(", ");
        }
        sb.append(name).append("=\"").append(value.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        return false;
    }

    /** RFC 6750 §3: error_description is %x20-21 / %x23-5B / %x5D-7E. */
    private static String safe(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            out.append(c >= 0x20 && c <= 0x7e && c != '"' && c != '\\' ? c : '_');
        }
        return out.toString();
    }

    /** A JSON body for clients that read bodies rather than headers (RFC 6750 does not define one; this mirrors it). */
    public String body() {
        StringBuilder sb = new StringBuilder("{\"error\":\"").append(error == null ? "unauthorized" : error).append('"');
        if (description != null) {
            sb.append(",\"error_description\":").append(dev.lanyard.mcp.http.Json.write(description));
        }
        return sb.append('}').toString();
    }
}
