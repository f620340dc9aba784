package dev.lanyard.server.authservers;

import dev.lanyard.server.http.MergePatch;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lanyard.server.directory.Validate;
import dev.lanyard.server.http.ApiException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Bodies of the authorization-server, resource and trusted-issuer endpoints; all their field rules live here. */
public final class AuthServerRequests {
    static final int MIN_TTL = 60;
    static final int MAX_TTL = 3_600;
    static final int DEFAULT_TTL = 600;
    /** Reserved by connections: {@code ALL_SCOPES} is written {@code ["*"]}, so no resource may define it. */
    public static final String ALL = "*";

    private AuthServerRequests() {}

    public record Create(String name, String description,
                         @JsonProperty("access_token_ttl_seconds") Integer accessTokenTtlSeconds) {
        public Create {
            name = AuthServerRequests.name(name);
            description = description == null ? "" : Validate.length("description", description, 2000);
            accessTokenTtlSeconds = ttl(accessTokenTtlSeconds == null ? DEFAULT_TTL : accessTokenTtlSeconds);
        }
    }

    public record Patch(Optional<String> name, Optional<String> description, Optional<Integer> accessTokenTtlSeconds,
                        Integer version) {
        private static final Set<String> FIELDS = Set.of("name", "description", "access_token_ttl_seconds", "version");
        private static final Map<String, String> IMMUTABLE = Map.of(
                "id", "id cannot be changed",
                "issuer", "issuer is derived from the id and cannot be changed",
                "status", "status changes through POST /authorization-servers/{id}/lifecycle/activate or deactivate",
                "resources", "resources are managed under /authorization-servers/{id}/resources",
                "trusted_issuers", "trusted issuers are managed under /authorization-servers/{id}/trusted-issuers");

        public static Patch from(JsonNode body) {
            ObjectNode obj = MergePatch.object(body, FIELDS, IMMUTABLE);
            try {
                return new Patch(MergePatch.text(obj, "name").map(AuthServerRequests::name),
                        MergePatch.text(obj, "description").map(d -> Validate.length("description", d, 2000)),
                        MergePatch.integer(obj, "access_token_ttl_seconds").map(AuthServerRequests::ttl),
                        MergePatch.version(obj));
            } catch (IllegalArgumentException e) {
                throw ApiException.invalid(e.getMessage());
            }
        }
    }

    /** A resource: its URI is stored with scheme and host in lower case; {@code tags} defaults to none. */
    public record ResourceCreate(String uri, String name, List<String> scopes, List<String> tags) {
        public ResourceCreate {
            uri = resourceUri(uri);
            name = resourceName(name);
            if (scopes == null) {
                throw new IllegalArgumentException("scopes is required: the scopes this resource defines (may be empty)");
            }
            scopes = resourceScopes(scopes);
            tags = tags == null ? List.of() : Validate.tags(tags);
        }
    }

    public record ResourcePatch(Optional<String> name, Optional<List<String>> scopes, Optional<List<String>> tags,
                                Integer version) {
        private static final Set<String> FIELDS = Set.of("name", "scopes", "tags", "version");
        private static final Map<String, String> IMMUTABLE = Map.of(
                "id", "id cannot be changed",
                "uri", "uri cannot be changed: connections grant access to it; add a new resource instead",
                "authorization_server_id", "a resource can't move to another authorization server");

        public static ResourcePatch from(JsonNode body) {
            ObjectNode obj = MergePatch.object(body, FIELDS, IMMUTABLE);
            try {
                return new ResourcePatch(MergePatch.text(obj, "name").map(AuthServerRequests::resourceName),
                        MergePatch.strings(obj, "scopes").map(AuthServerRequests::resourceScopes),
                        MergePatch.strings(obj, "tags").map(Validate::tags),
                        MergePatch.version(obj));
            } catch (IllegalArgumentException e) {
                throw ApiException.invalid(e.getMessage());
            }
        }
    }

    /** An external issuer: an https URL without query or fragment (RFC 8414 §2), and its JWKS URI. */
    public record TrustedIssuerCreate(String issuer, @JsonProperty("jwks_uri") String jwksUri) {
        public TrustedIssuerCreate {
            WebUrls.check("issuer", issuer, false);
            WebUrls.check("jwks_uri", jwksUri, true);
        }
    }

    static String name(String name) {
        return Validate.required("name", name == null ? null : name.strip(), 100);
    }

    static int ttl(int seconds) {
        if (seconds < MIN_TTL || seconds > MAX_TTL) {
            throw new IllegalArgumentException("access_token_ttl_seconds must be from " + MIN_TTL + " to " + MAX_TTL);
        }
        return seconds;
    }

    static String resourceUri(String uri) {
        return WebUrls.canonical(WebUrls.check("uri", uri, true));
    }

    static String resourceName(String name) {
        return Validate.required("name", name == null ? null : name.strip(), 200);
    }

    static List<String> resourceScopes(List<String> scopes) {
        if (scopes.contains(ALL)) {
            throw new IllegalArgumentException("scopes must not define '*' (it stands for all scopes in a connection)");
        }
        return Validate.scopes("scopes", scopes);
    }
}
