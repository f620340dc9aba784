package dev.lanyard.mcp.resource;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lanyard.mcp.http.Json;
import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * RFC 9728 protected resource metadata of one MCP server: where clients learn which authorization server issues its
 * tokens. Served at the path-aware well-known URL ({@code https://mcp.example/.well-known/oauth-protected-resource/mcp}
 * for {@code https://mcp.example/mcp}) and named in every 401 challenge.
 *
 * @param resource             the canonical resource URI: the value tokens must carry in {@code aud}
 * @param authorizationServers issuer identifiers (MCP requires at least one)
 * @param scopesSupported      the minimal scope set a client should ask for first (more come through step-up)
 */
public record ProtectedResourceMetadata(String resource, List<String> authorizationServers, List<String> scopesSupported,
                                        String resourceName) {
    public ProtectedResourceMetadata {
        resource = canonical(resource);
        authorizationServers = List.copyOf(authorizationServers);
        scopesSupported = List.copyOf(scopesSupported);
        if (authorizationServers.isEmpty()) {
            throw new IllegalArgumentException("at least one authorization server is required");
        }
    }

    /**
     * The canonical form MCP asks for (RFC 8707 / RFC 3986 §6.2.2): absolute, scheme and host lower case, no fragment,
     * no trailing slash after a path. Anything else is a configuration error, reported at start-up.
     */
    public static String canonical(String uri) {
        URI u;
        try {
            u = new URI(uri);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("resource is not a URI: " + uri);
        }
        if (!u.isAbsolute() || u.getRawAuthority() == null || u.getRawFragment() != null) {
            throw new IllegalArgumentException("resource must be an absolute URI without a fragment: " + uri);
        }
        String scheme = u.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw new IllegalArgumentException("resource must be an http(s) URI: " + uri);
        }
        String path = u.getRawPath() == null ? "" : u.getRawPath();
        if (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        String query = u.getRawQuery() == null ? "" : "?" + u.getRawQuery();
        return scheme + "://" + u.getRawAuthority().toLowerCase(Locale.ROOT) + path + query;
    }

    /** The path of the well-known document on the resource's host (RFC 9728 §3.1 path insertion). */
    public String wellKnownPath() {
        String path = URI.create(resource).getRawPath();
        return "/.well-known/oauth-protected-resource" + (path == null ? "" : path);
    }

    /** The absolute URL clients fetch, as it goes into {@code resource_metadata}. */
    public String wellKnownUrl() {
        URI u = URI.create(resource);
        return u.getScheme() + "://" + u.getRawAuthority() + wellKnownPath();
    }

    public ObjectNode toJson() {
        ObjectNode n = Json.object().put("resource", resource);
        authorizationServers.forEach(n.putArray("authorization_servers")::add);
        if (!scopesSupported.isEmpty()) {
            scopesSupported.forEach(n.putArray("scopes_supported")::add);
        }
        n.putArray("bearer_methods_supported").add("header");
        if (resourceName != null) {
            n.put("resource_name", resourceName);
        }
        return n;
    }
}
