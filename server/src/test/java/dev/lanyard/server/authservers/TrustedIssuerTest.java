package dev.lanyard.server.authservers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanyard.server.Api;
import dev.lanyard.server.Fixtures;
import dev.lanyard.server.TestServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrustedIssuerTest {
    private final TestServer server = TestServer.shared();
    private final Api api = server.admin();
    private final Fixtures fx = new Fixtures(api);

    private static String issuers(String serverId) {
        return "/api/v1/authorization-servers/" + serverId + "/trusted-issuers";
    }

    @Test
    void addListReadAndRemoveAnIssuer() {
        String as = fx.authServer();
        Api.Resp r = api.post(issuers(as), Api.map("issuer", "https://login.partner.example", "jwks_uri",
                "https://login.partner.example/.well-known/jwks.json"));
        assertEquals(201, r.status(), r.toString());
        String id = r.id();
        assertTrue(id.startsWith("tis_"), id);
        assertEquals(as, r.body().path("authorization_server_id").asText());
        assertEquals(r.body(), api.get(issuers(as) + "/" + id).body());
        assertEquals(id, api.get(issuers(as)).body().get(0).path("id").asText());
        assertEquals(id, api.get("/api/v1/authorization-servers/" + as).body().path("trusted_issuers").get(0)
                .path("id").asText());
        Api.Resp local = api.post(issuers(as), Api.map("issuer", "http://localhost:9000/idp", "jwks_uri",
                "http://127.0.0.1:9000/idp/jwks?kid=all"));
        assertEquals(201, local.status(), local.toString());

        // the same issuer may be trusted by another server
        assertEquals(201, api.post(issuers(fx.authServer()), Api.map("issuer", "https://login.partner.example",
                "jwks_uri", "https://login.partner.example/jwks")).status());

        long before = server.count("trusted_issuers");
        Api.Resp dup = api.post(issuers(as), Api.map("issuer", "https://login.partner.example", "jwks_uri",
                "https://login.partner.example/other"));
        assertEquals(409, dup.status(), dup.toString());
        assertEquals(before, server.count("trusted_issuers"));

        assertEquals(204, api.delete(issuers(as) + "/" + id).status());
        assertEquals(404, api.get(issuers(as) + "/" + id).status());
        assertEquals(404, api.delete(issuers(as) + "/" + id).status());
        assertEquals(List.of("authorization_server.trusted_issuer.created", "authorization_server.trusted_issuer.deleted"),
                fx.auditTypes(id));
    }

    @Test
    void issuersAndJwksUrisMustBeHttpsUrls() {
        String as = fx.authServer();
        long before = server.count("trusted_issuers");
        String jwks = "https://idp.example.com/jwks";
        for (Map<String, Object> bad : List.of(
                Api.map("issuer", "https://idp.example.com?tenant=1", "jwks_uri", jwks),
                Api.map("issuer", "https://idp.example.com#x", "jwks_uri", jwks),
                Api.map("issuer", "http://idp.example.com", "jwks_uri", jwks),
                Api.map("issuer", "idp.example.com", "jwks_uri", jwks),
                Api.map("issuer", "https://idp.example.com", "jwks_uri", "http://idp.example.com/jwks"),
                Api.map("issuer", "https://idp.example.com", "jwks_uri", "/jwks"),
                Api.map("issuer", "https://idp.example.com", "jwks_uri", "https://idp.example.com/jwks#k"),
                Api.map("issuer", "https://idp.example.com"),
                Api.map("jwks_uri", jwks),
                Api.map("issuer", "https://idp.example.com", "jwks_uri", jwks, "name", "extra"),
                Api.map("issuer", List.of("https://idp.example.com"), "jwks_uri", jwks),
                Api.map("issuer", server.baseUrl(), "jwks_uri", jwks),
                Api.map("issuer", server.baseUrl() + "/oauth2/" + as, "jwks_uri", jwks))) {
            Api.Resp r = api.post(issuers(as), bad);
            assertEquals(400, r.status(), bad + " -> " + r);
        }
        assertEquals(before, server.count("trusted_issuers"));
        assertEquals(404, api.post(issuers("aus_00000000000000000000"), Api.map("issuer", "https://idp.example.com",
                "jwks_uri", jwks)).status());
        assertEquals(404, api.get(issuers(as) + "/tis_00000000000000000000").status());
    }
}
