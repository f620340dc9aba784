package dev.lanyard.mcp.resource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChallengeAndMetadataTest {
    private final ProtectedResourceMetadata prm = new ProtectedResourceMetadata("HTTPS://Tools.Example.com/mcp/",
            List.of("https://lanyard.example.com/oauth2/aus_1"), List.of("tickets:read"), "Tickets");

    @Test
    void theResourceIsCanonicalAndTheWellKnownUrlIsPathAware() {
        assertEquals("https://tools.example.com/mcp", prm.resource());
        assertEquals("/.well-known/oauth-protected-resource/mcp", prm.wellKnownPath());
        assertEquals("https://tools.example.com/.well-known/oauth-protected-resource/mcp", prm.wellKnownUrl());
        assertEquals("{\"resource\":\"https://tools.example.com/mcp\",\"authorization_servers\":[\"https://lanyard.example.com/oauth2/aus_1\"],"
                + "\"scopes_supported\":[\"tickets:read\"],\"bearer_methods_supported\":[\"header\"],\"resource_name\":\"Tickets\"}",
                prm.toJson().toString());
        assertEquals("http://127.0.0.1:9000", ProtectedResourceMetadata.canonical("http://127.0.0.1:9000/"));
        assertThrows(IllegalArgumentException.class, () -> ProtectedResourceMetadata.canonical("https://x.example/mcp#frag"));
        assertThrows(IllegalArgumentException.class, () -> ProtectedResourceMetadata.canonical("/mcp"));
        assertThrows(IllegalArgumentException.class, () -> ProtectedResourceMetadata.canonical("ftp://x.example/mcp"));
        assertThrows(IllegalArgumentException.class, () -> new ProtectedResourceMetadata("https://x.example/mcp", List.of(), List.of(), null));
    }

    @Test
    void challengesFollowRfc6750AndRfc9728() {
        assertEquals("Bearer scope=\"tickets:read\", resource_metadata=\"https://tools.example.com/.well-known/oauth-protected-resource/mcp\"",
                BearerChallenge.missingToken(prm).headerValue(), "no error code when no token was sent (RFC 6750 §3.1)");
        BearerChallenge invalid = BearerChallenge.invalidToken(prm, "token expired");
        assertEquals(401, invalid.status());
        assertEquals("Bearer error=\"invalid_token\", error_description=\"token expired\", "
                + "resource_metadata=\"https://tools.example.com/.well-known/oauth-protected-resource/mcp\"", invalid.headerValue());
        BearerChallenge scope = BearerChallenge.insufficientScope(prm, List.of("projects:admin", "mcp:destructive"), "tool \"x\" needs more");
        assertEquals(403, scope.status());
        assertEquals("Bearer error=\"insufficient_scope\", error_description=\"tool _x_ needs more\", "
                + "scope=\"projects:admin mcp:destructive\", resource_metadata=\"https://tools.example.com/.well-known/oauth-protected-resource/mcp\"",
                scope.headerValue());
        assertEquals("{\"error\":\"insufficient_scope\",\"error_description\":\"tool \\\"x\\\" needs more\"}", scope.body());
        assertEquals(400, BearerChallenge.invalidRequest(prm, "bad").status());
    }
}
