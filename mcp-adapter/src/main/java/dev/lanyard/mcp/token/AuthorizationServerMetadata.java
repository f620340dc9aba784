package dev.lanyard.mcp.token;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanyard.mcp.http.HttpFetcher;
import dev.lanyard.mcp.http.Json;
import java.net.URI;
import java.util.concurrent.CompletionStage;

/** The parts of an issuer's RFC 8414 metadata a resource server relies on. */
public record AuthorizationServerMetadata(String issuer, URI jwksUri) {

    /**
     * RFC 8414 §3: {@code /.well-known/oauth-authorization-server} goes between the host and the issuer's path
     * ({@code https://as.example/oauth2/aus_1} → {@code https://as.example/.well-known/oauth-authorization-server/oauth2/aus_1}).
     */
    public static URI wellKnown(String issuer) {
        URI i = URI.create(issuer);
        String path = i.getRawPath() == null ? "" : i.getRawPath();
        if (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return URI.create(i.getScheme() + "://" + i.getRawAuthority() + "/.well-known/oauth-authorization-server" + path);
    }

    /**
     * Fetches and checks the metadata: the {@code issuer} inside must be exactly the one we asked about (RFC 8414 §3.3),
     * or an attacker who controls some other metadata document could substitute its keys.
     */
    public static CompletionStage<AuthorizationServerMetadata> discover(String issuer, HttpFetcher fetcher) {
        URI url = wellKnown(issuer);
        return fetcher.get(url).thenApply(r -> {
            if (r.status() != 200) {
                throw new IllegalStateException("authorization server metadata " + url + " answered " + r.status());
            }
            JsonNode doc;
            try {
                doc = Json.parse(r.body());
            } catch (Exception e) {
                throw new IllegalStateException("authorization server metadata " + url + " is not JSON");
            }
            String declared = doc.path("issuer").asText(null);
            if (!issuer.equals(declared)) {
                throw new IllegalStateException("metadata at " + url + " names issuer " + declared + ", not " + issuer);
            }
            String jwks = doc.path("jwks_uri").asText(null);
            if (jwks == null) {
                throw new IllegalStateException("metadata at " + url + " has no jwks_uri");
            }
            return new AuthorizationServerMetadata(declared, URI.create(jwks));
        });
    }
}
