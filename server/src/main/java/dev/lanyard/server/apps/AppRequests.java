package dev.lanyard.server.apps;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import dev.lanyard.server.agents.AgentPublicKey;
import dev.lanyard.server.http.MergePatch;
import dev.lanyard.server.authservers.WebUrls;
import dev.lanyard.server.directory.Validate;
import dev.lanyard.server.http.ApiException;
import dev.lanyard.server.http.Json;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Bodies of the app endpoints; all field rules for apps live here. */
public final class AppRequests {
    static final int MAX_REDIRECT_URIS = 20;
    static final int MAX_KEYS = 10;

    private AppRequests() {}

    public record Create(
            String name,
            @JsonProperty("client_type") ClientType clientType,
            @JsonProperty("token_endpoint_auth_method") AuthMethod tokenEndpointAuthMethod,
            @JsonProperty("redirect_uris") List<String> redirectUris,
            JsonNode jwks) {
        public Create {
            name = AppRequests.name(name);
            if (clientType == null) {
                throw new IllegalArgumentException("client_type is required: 'confidential' or 'public'");
            }
            if (tokenEndpointAuthMethod == null) {
                tokenEndpointAuthMethod = clientType == ClientType.PUBLIC ? AuthMethod.NONE : AuthMethod.CLIENT_SECRET_BASIC;
            }
            methodFits(clientType, tokenEndpointAuthMethod);
            redirectUris = AppRequests.redirectUris(redirectUris);
            jwks = jwksFor(tokenEndpointAuthMethod, jwks == null || jwks.isNull() ? null : jwks);
        }
    }

    /** A JSON merge patch of an app: {@code name}, {@code redirect_uris}, {@code jwks} (private_key_jwt apps only). */
    public record Patch(Optional<String> name, Optional<List<String>> redirectUris, Optional<JsonNode> jwks, Integer version) {
        private static final Set<String> FIELDS = Set.of("name", "redirect_uris", "jwks", "version");
        private static final Map<String, String> IMMUTABLE = Map.of(
                "client_type", "client_type cannot be changed; register a new app instead",
                "token_endpoint_auth_method", "token_endpoint_auth_method cannot be changed; register a new app instead",
                "client_id", "client_id cannot be changed",
                "id", "id cannot be changed",
                "status", "status changes through POST /apps/{id}/lifecycle/activate or deactivate",
                "client_secret", "client secrets are generated: POST /apps/{id}/credentials/secret rotates it");

        public static Patch from(JsonNode body) {
            ObjectNode obj = MergePatch.object(body, FIELDS, IMMUTABLE);
            try {
                JsonNode jwks = obj.get("jwks");
                return new Patch(MergePatch.text(obj, "name").map(AppRequests::name),
                        MergePatch.strings(obj, "redirect_uris").map(AppRequests::redirectUris),
                        Optional.ofNullable(jwks),
                        MergePatch.version(obj));
            } catch (IllegalArgumentException e) {
                throw ApiException.invalid(e.getMessage());
            }
        }
    }

    static String name(String name) {
        return Validate.required("name", name == null ? null : name.strip(), 100);
    }

    static void methodFits(ClientType type, AuthMethod method) {
        if (type == ClientType.PUBLIC && method != AuthMethod.NONE) {
            throw new IllegalArgumentException("a public app can't keep a credential: its token_endpoint_auth_method must be 'none'");
        }
        if (type == ClientType.CONFIDENTIAL && method == AuthMethod.NONE) {
            throw new IllegalArgumentException(
                    "a confidential app authenticates: token_endpoint_auth_method must be 'client_secret_basic' or 'private_key_jwt'");
        }
    }

    static List<String> redirectUris(List<String> uris) {
        if (uris == null || uris.isEmpty() || uris.size() > MAX_REDIRECT_URIS) {
            throw new IllegalArgumentException("redirect_uris must list 1 to " + MAX_REDIRECT_URIS + " URLs");
        }
        for (String u : uris) {
            WebUrls.check("redirect_uris entry", u, true);
        }
        if (new HashSet<>(uris).size() != uris.size()) {
            throw new IllegalArgumentException("redirect_uris has duplicate entries");
        }
        return List.copyOf(uris);
    }

    /** The JWK Set an app with this method keeps: required for private_key_jwt, refused for the others. */
    static JsonNode jwksFor(AuthMethod method, JsonNode jwks) {
        if (method == AuthMethod.PRIVATE_KEY_JWT) {
            if (jwks == null) {
                throw new IllegalArgumentException("jwks is required for token_endpoint_auth_method 'private_key_jwt'");
            }
            return Json.tree(publicKeySet(jwks));
        }
        if (jwks != null) {
            throw new IllegalArgumentException("jwks is only for token_endpoint_auth_method 'private_key_jwt'");
        }
        return null;
    }

    /** A JWK Set ({@code {"keys":[…]}}) of 1 to 10 public keys, each following the agent key rules, distinct kids. */
    static String publicKeySet(JsonNode jwks) {
        if (!jwks.isObject() || !jwks.has("keys") || jwks.size() != 1 || !jwks.get("keys").isArray()) {
            throw new IllegalArgumentException("jwks must be a JWK Set: {\"keys\": [ public JWKs ]}");
        }
        JsonNode keys = jwks.get("keys");
        if (keys.isEmpty() || keys.size() > MAX_KEYS) {
            throw new IllegalArgumentException("jwks must hold 1 to " + MAX_KEYS + " keys");
        }
        List<JWK> parsed = new ArrayList<>();
        Set<String> kids = new HashSet<>();
        for (JsonNode k : keys) {
            if (!k.isObject()) {
                throw new IllegalArgumentException("every entry of jwks.keys must be a JWK (a JSON object)");
            }
            Map<String, Object> members = Json.MAPPER.convertValue(k, new TypeReference<>() {});
            AgentPublicKey key;
            try {
                key = AgentPublicKey.parse(members);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("jwks: " + e.getMessage());
            }
            if (!kids.add(key.kid())) {
                throw new IllegalArgumentException("jwks has two keys with kid '" + key.kid() + "'");
            }
            parsed.add(key.jwk());
        }
        return new JWKSet(parsed).toString(true);
    }
}
