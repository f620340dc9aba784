package dev.lanyard.server.oidc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanyard.server.Api;
import dev.lanyard.server.TestServer;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DiscoveryTest {
    private final TestServer server = TestServer.shared();
    private final SignIn signIn = new SignIn(server);

    private JsonNode get(String path, int status) throws Exception {
        HttpResponse<String> r = signIn.get(path, Map.of());
        assertEquals(status, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        return Api.JSON.readTree(r.body());
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void theOrgServerPublishesRfc8414MetadataAndOidcDiscovery() throws Exception {
        String base = server.baseUrl();
        JsonNode m = get("/.well-known/oauth-authorization-server", 200);
        // the issuer is exactly the one the metadata URL was built from
        assertEquals(base, m.path("issuer").asText());
        assertEquals(base + "/oauth2/v1/authorize", m.path("authorization_endpoint").asText());
        assertEquals(base + "/oauth2/v1/token", m.path("token_endpoint").asText());
        assertEquals(base + "/oauth2/v1/keys", m.path("jwks_uri").asText());
        assertEquals(base + "/oauth2/v1/introspect", m.path("introspection_endpoint").asText());
        assertEquals(base + "/oauth2/v1/revoke", m.path("revocation_endpoint").asText());
        assertEquals(base + "/oauth2/v1/userinfo", m.path("userinfo_endpoint").asText());
        assertEquals(List.of("code"), strings(m.path("response_types_supported")));
        assertEquals(List.of("query"), strings(m.path("response_modes_supported")));
        assertEquals(List.of("authorization_code", "urn:ietf:params:oauth:grant-type:token-exchange"),
                strings(m.path("grant_types_supported")));
        assertEquals(List.of("private_key_jwt", "client_secret_basic", "none"),
                strings(m.path("token_endpoint_auth_methods_supported")));
        assertEquals(List.of("ES256", "ES384", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512"),
                strings(m.path("token_endpoint_auth_signing_alg_values_supported")));
        assertEquals(List.of("S256"), strings(m.path("code_challenge_methods_supported")));
        assertTrue(m.path("authorization_response_iss_parameter_supported").asBoolean());
        assertEquals(List.of("urn:ietf:params:oauth:token-type:id-jag"),
                strings(m.path("identity_chaining_requested_token_types_supported")));
        assertTrue(m.has("introspection_endpoint_auth_methods_supported"));
        assertTrue(m.has("revocation_endpoint_auth_methods_supported"));
        assertFalse(m.has("subject_types_supported"));

        JsonNode oidc = get("/.well-known/openid-configuration", 200);
        assertEquals(base, oidc.path("issuer").asText());
        assertEquals(List.of("public"), strings(oidc.path("subject_types_supported")));
        assertEquals(List.of("ES256"), strings(oidc.path("id_token_signing_alg_values_supported")));
        assertTrue(strings(oidc.path("scopes_supported")).containsAll(List.of("openid", "profile", "email")));
        assertTrue(strings(oidc.path("claims_supported")).containsAll(List.of("sub", "email", "name", "nonce")));
        // the OIDC document is the RFC 8414 one plus OIDC members
        m.fieldNames().forEachRemaining(name -> assertEquals(m.get(name), oidc.get(name), name));
    }

    @Test
    void aResourceServerPublishesMetadataAtThePathInsertUrl() throws Exception {
        String id = signIn.authServer("ACTIVE", "tickets.read", "tickets.write");
        String issuer = server.baseUrl() + "/oauth2/" + id;
        JsonNode m = get("/.well-known/oauth-authorization-server/oauth2/" + id, 200);
        assertEquals(issuer, m.path("issuer").asText());
        assertEquals(issuer + "/v1/authorize", m.path("authorization_endpoint").asText());
        assertEquals(issuer + "/v1/token", m.path("token_endpoint").asText());
        assertEquals(issuer + "/v1/keys", m.path("jwks_uri").asText());
        assertEquals(issuer + "/v1/introspect", m.path("introspection_endpoint").asText());
        assertEquals(issuer + "/v1/revoke", m.path("revocation_endpoint").asText());
        assertEquals(List.of("code"), strings(m.path("response_types_supported")));
        assertEquals(List.of("urn:ietf:params:oauth:grant-type:jwt-bearer", "client_credentials"),
                strings(m.path("grant_types_supported")));
        assertEquals(List.of("urn:ietf:params:oauth:grant-profile:id-jag"),
                strings(m.path("authorization_grant_profiles_supported")));
        assertEquals(List.of("private_key_jwt"), strings(m.path("token_endpoint_auth_methods_supported")));
        assertTrue(m.path("token_endpoint_auth_signing_alg_values_supported").size() > 0);
        assertEquals(List.of("tickets.read", "tickets.write"), strings(m.path("scopes_supported")));
        assertEquals(List.of("S256"), strings(m.path("code_challenge_methods_supported")));

        // its authorization endpoint exists and says interactive authorization is not offered
        JsonNode authorize = get("/oauth2/" + id + "/v1/authorize", 400);
        assertTrue(authorize.path("error_description").asText().contains("not offered"));

        // its JWKS: a key of its own, not the org key
        JsonNode keys = get("/oauth2/" + id + "/v1/keys", 200);
        JsonNode orgKeys = get("/oauth2/v1/keys", 200);
        assertEquals(1, keys.path("keys").size());
        String kid = keys.path("keys").get(0).path("kid").asText();
        orgKeys.path("keys").forEach(k -> assertFalse(k.path("kid").asText().equals(kid)));
    }

    @Test
    void unknownOrInactiveResourceServersAre404InOAuthForm() throws Exception {
        String inactive = signIn.authServer("INACTIVE", "x.read");
        JsonNode r = get("/.well-known/oauth-authorization-server/oauth2/" + inactive, 404);
        assertEquals("not_found", r.path("error").asText());
        get("/.well-known/oauth-authorization-server/oauth2/aus_AAAAAAAAAAAAAAAAAAAA", 404);
        get("/.well-known/oauth-authorization-server/oauth2/not-an-id", 404);
        get("/oauth2/aus_AAAAAAAAAAAAAAAAAAAA/v1/keys", 404);
    }
}
