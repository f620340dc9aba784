package dev.lanyard.server.apps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanyard.server.Api;
import dev.lanyard.server.Fixtures;
import dev.lanyard.server.TestServer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AppTest {
    private final TestServer server = TestServer.shared();
    private final Api api = server.admin();
    private final Fixtures fx = new Fixtures(api);

    private Api.Resp create(Object... kv) {
        return api.post("/api/v1/apps", Api.map(kv));
    }

    private static Map<String, Object> publicJwk() {
        Map<String, Object> jwk = Fixtures.ecKey().toPublicJWK().toJSONObject();
        jwk.remove("kid");
        return jwk;
    }

    private static String sha256(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    private String storedSecretHash(String appId) throws Exception {
        try (Connection c = server.jdbc(); var st = c.prepareStatement("SELECT client_secret_hash FROM apps WHERE id = ?")) {
            st.setString(1, appId);
            try (ResultSet rs = st.executeQuery()) {
                assertTrue(rs.next());
                return rs.getString(1);
            }
        }
    }

    /** Every column of the app's row as text, to prove a value appears nowhere in it. */
    private String storedRow(String appId) throws Exception {
        try (Connection c = server.jdbc(); var st = c.prepareStatement("SELECT a::text FROM apps a WHERE id = ?")) {
            st.setString(1, appId);
            try (ResultSet rs = st.executeQuery()) {
                assertTrue(rs.next());
                return rs.getString(1);
            }
        }
    }

    @Test
    void aClientSecretIsShownOnceAndStoredOnlyHashed() throws Exception {
        String name = Fixtures.unique("portal");
        Api.Resp r = create("name", name, "client_type", "confidential", "token_endpoint_auth_method",
                "client_secret_basic", "redirect_uris", List.of("https://portal.example.com/cb"));
        assertEquals(201, r.status(), r.toString());
        String id = r.id();
        assertTrue(id.startsWith("app_"), id);
        assertEquals(id, r.body().path("client_id").asText());
        assertEquals("confidential", r.body().path("client_type").asText());
        assertEquals("client_secret_basic", r.body().path("token_endpoint_auth_method").asText());
        assertEquals("ACTIVE", r.body().path("status").asText());
        assertEquals(0, r.body().path("linked_agents").size());
        assertTrue(r.body().path("jwks").isNull());
        assertEquals("\"1\"", r.header("ETag"));
        String secret = r.body().path("client_secret").asText();
        assertEquals(43, secret.length(), "256 bits, base64url");

        Api.Resp got = api.get("/api/v1/apps/" + id);
        assertEquals(200, got.status());
        assertFalse(got.body().has("client_secret"), got.raw());
        assertFalse(got.raw().contains(secret));
        assertFalse(api.get("/api/v1/apps?limit=200").raw().contains(secret));

        assertEquals(sha256(secret), storedSecretHash(id));
        assertFalse(storedRow(id).contains(secret));
        assertTrue(AppSecret.matches(secret, storedSecretHash(id)));
        assertFalse(AppSecret.matches(secret + "x", storedSecretHash(id)));

        var events = fx.auditEvents(id);
        assertEquals("app.created", events.get(0).path("type").asText());
        assertEquals(name, events.get(0).path("details").path("name").asText());
        assertFalse(events.get(0).toString().contains(secret));
    }

    @Test
    void rotatingTheSecretShowsTheNewOneOnceAndForgetsTheOld() throws Exception {
        Api.Resp created = fx.app();
        String id = created.id();
        String first = created.body().path("client_secret").asText();
        Api.Resp rotated = api.post("/api/v1/apps/" + id + "/credentials/secret", null);
        assertEquals(200, rotated.status(), rotated.toString());
        String second = rotated.body().path("client_secret").asText();
        assertEquals(43, second.length());
        assertNotEquals(first, second);
        assertEquals("\"2\"", rotated.header("ETag"));
        assertEquals(sha256(second), storedSecretHash(id));
        assertFalse(AppSecret.matches(first, storedSecretHash(id)));
        assertFalse(api.get("/api/v1/apps/" + id).body().has("client_secret"));
        var events = fx.auditEvents(id);
        assertEquals(List.of("app.created", "app.secret_rotated"), fx.auditTypes(id));
        assertFalse(events.toString().contains(first) || events.toString().contains(second));

        Api.Resp pub = create("name", Fixtures.unique("cli"), "client_type", "public",
                "redirect_uris", List.of("http://127.0.0.1:7777/cb"));
        assertEquals(201, pub.status(), pub.toString());
        Api.Resp refused = api.post("/api/v1/apps/" + pub.id() + "/credentials/secret", null);
        assertEquals(409, refused.status(), refused.toString());
        assertTrue(refused.summary().contains("only client_secret_basic"), refused.summary());
        assertNull(storedSecretHash(pub.id()));
        assertEquals(404, api.post("/api/v1/apps/app_00000000000000000000/credentials/secret", null).status());
    }

    @Test
    void privateKeyJwtAppsKeepPublicKeysOnly() throws Exception {
        long before = server.count("apps");
        Api.Resp missing = create("name", Fixtures.unique("pkjwt"), "client_type", "confidential",
                "token_endpoint_auth_method", "private_key_jwt", "redirect_uris", List.of("https://a.example.com/cb"));
        assertEquals(400, missing.status(), missing.toString());
        assertTrue(missing.summary().contains("jwks is required"), missing.summary());

        Map<String, Object> privateJwk = Fixtures.ecKey().toJSONObject();
        Api.Resp withPrivate = create("name", Fixtures.unique("pkjwt"), "client_type", "confidential",
                "token_endpoint_auth_method", "private_key_jwt", "redirect_uris", List.of("https://a.example.com/cb"),
                "jwks", Map.of("keys", List.of(privateJwk)));
        assertEquals(400, withPrivate.status(), withPrivate.toString());
        assertEquals("E0000001", withPrivate.errorCode());
        assertTrue(withPrivate.summary().contains("private key material"), withPrivate.summary());

        Api.Resp notASet = create("name", Fixtures.unique("pkjwt"), "client_type", "confidential",
                "token_endpoint_auth_method", "private_key_jwt", "redirect_uris", List.of("https://a.example.com/cb"),
                "jwks", publicJwk());
        assertEquals(400, notASet.status(), notASet.toString());
        Api.Resp weakRsa = create("name", Fixtures.unique("pkjwt"), "client_type", "confidential",
                "token_endpoint_auth_method", "private_key_jwt", "redirect_uris", List.of("https://a.example.com/cb"),
                "jwks", Map.of("keys", List.of(Fixtures.rsaKey(1024).toPublicJWK().toJSONObject())));
        assertEquals(400, weakRsa.status(), weakRsa.toString());
        Api.Resp noKeys = create("name", Fixtures.unique("pkjwt"), "client_type", "confidential",
                "token_endpoint_auth_method", "private_key_jwt", "redirect_uris", List.of("https://a.example.com/cb"),
                "jwks", Map.of("keys", List.of()));
        assertEquals(400, noKeys.status(), noKeys.toString());
        Map<String, Object> k1 = publicJwk();
        k1.put("kid", "same");
        Map<String, Object> k2 = publicJwk();
        k2.put("kid", "same");
        Api.Resp sameKid = create("name", Fixtures.unique("pkjwt"), "client_type", "confidential",
                "token_endpoint_auth_method", "private_key_jwt", "redirect_uris", List.of("https://a.example.com/cb"),
                "jwks", Map.of("keys", List.of(k1, k2)));
        assertEquals(400, sameKid.status(), sameKid.toString());
        assertTrue(sameKid.summary().contains("kid"), sameKid.summary());
        assertEquals(before, server.count("apps"));

        Api.Resp ok = create("name", Fixtures.unique("pkjwt"), "client_type", "confidential",
                "token_endpoint_auth_method", "private_key_jwt", "redirect_uris", List.of("https://a.example.com/cb"),
                "jwks", Map.of("keys", List.of(publicJwk())));
        assertEquals(201, ok.status(), ok.toString());
        assertFalse(ok.body().has("client_secret"));
        var key = ok.body().path("jwks").path("keys").get(0);
        assertEquals("EC", key.path("kty").asText());
        assertFalse(key.path("kid").asText().isEmpty(), "kid defaults to the thumbprint");
        assertFalse(key.has("d"));
        assertNull(storedSecretHash(ok.id()));
        Api.Resp rotate = api.post("/api/v1/apps/" + ok.id() + "/credentials/secret", null);
        assertEquals(409, rotate.status());
    }

    @Test
    void clientTypeAndAuthMethodMustFit() {
        long before = server.count("apps");
        List<String> cb = List.of("https://a.example.com/cb");
        assertEquals(400, create("name", Fixtures.unique("x"), "client_type", "public",
                "token_endpoint_auth_method", "client_secret_basic", "redirect_uris", cb).status());
        assertEquals(400, create("name", Fixtures.unique("x"), "client_type", "public",
                "token_endpoint_auth_method", "private_key_jwt", "redirect_uris", cb,
                "jwks", Map.of("keys", List.of(publicJwk()))).status());
        assertEquals(400, create("name", Fixtures.unique("x"), "client_type", "confidential",
                "token_endpoint_auth_method", "none", "redirect_uris", cb).status());
        Api.Resp jwksWithSecret = create("name", Fixtures.unique("x"), "client_type", "confidential",
                "token_endpoint_auth_method", "client_secret_basic", "redirect_uris", cb,
                "jwks", Map.of("keys", List.of(publicJwk())));
        assertEquals(400, jwksWithSecret.status());
        assertTrue(jwksWithSecret.summary().contains("only for"), jwksWithSecret.summary());
        Api.Resp badType = create("name", Fixtures.unique("x"), "client_type", "CONFIDENTIAL", "redirect_uris", cb);
        assertEquals(400, badType.status());
        assertTrue(badType.summary().contains("client_type"), badType.summary());
        Api.Resp badMethod = create("name", Fixtures.unique("x"), "client_type", "confidential",
                "token_endpoint_auth_method", "client_secret_post", "redirect_uris", cb);
        assertEquals(400, badMethod.status());
        assertTrue(badMethod.summary().contains("token_endpoint_auth_method"), badMethod.summary());
        assertEquals(400, create("name", Fixtures.unique("x"), "redirect_uris", cb).status());
        assertEquals(before, server.count("apps"));

        Api.Resp pub = create("name", Fixtures.unique("spa"), "client_type", "public", "redirect_uris", cb);
        assertEquals(201, pub.status(), pub.toString());
        assertEquals("none", pub.body().path("token_endpoint_auth_method").asText());
        assertFalse(pub.body().has("client_secret"));
    }

    @Test
    void redirectUrisAreHttpsOrLoopbackWithoutFragments() {
        long before = server.count("apps");
        for (String bad : List.of("https://a.example.com/cb#frag", "/relative/cb", "cb", "http://a.example.com/cb",
                "ftp://a.example.com/cb", "https://user:pw@a.example.com/cb", "https:///nohost", "mailto:a@example.com",
                "https://a.example.com/c b", "http://localhost.evil.example/cb", "http://127.0.0.1.evil.example/cb")) {
            Api.Resp r = create("name", Fixtures.unique("x"), "client_type", "confidential",
                    "redirect_uris", List.of(bad));
            assertEquals(400, r.status(), bad + " -> " + r);
            assertTrue(r.summary().contains("redirect_uris"), r.summary());
        }
        assertEquals(400, create("name", Fixtures.unique("x"), "client_type", "confidential",
                "redirect_uris", List.of()).status());
        assertEquals(400, create("name", Fixtures.unique("x"), "client_type", "confidential",
                "redirect_uris", List.of("https://a.example.com/cb", "https://a.example.com/cb")).status());
        assertEquals(before, server.count("apps"));

        Api.Resp ok = create("name", Fixtures.unique("x"), "client_type", "confidential", "redirect_uris",
                List.of("http://127.0.0.1:8123/cb", "http://localhost/cb", "http://[::1]:9000/cb",
                        "https://a.example.com/cb?tenant=1"));
        assertEquals(201, ok.status(), ok.toString());
        assertEquals(4, ok.body().path("redirect_uris").size());
    }

    @Test
    void namesAreUniqueRegardlessOfCase() {
        String name = Fixtures.unique("Support-Portal");
        assertEquals(201, create("name", name, "client_type", "public", "redirect_uris",
                List.of("https://a.example.com/cb")).status());
        long before = server.count("apps");
        Api.Resp dup = create("name", name.toLowerCase(), "client_type", "public", "redirect_uris",
                List.of("https://a.example.com/cb"));
        assertEquals(409, dup.status(), dup.toString());
        assertEquals("E0000411", dup.errorCode());
        assertEquals(before, server.count("apps"));

        String other = fx.appId();
        String etag = api.get("/api/v1/apps/" + other).header("ETag");
        Api.Resp rename = api.patch("/api/v1/apps/" + other, Api.map("name", name.toUpperCase()), etag);
        assertEquals(409, rename.status(), rename.toString());
        assertEquals(etag, api.get("/api/v1/apps/" + other).header("ETag"));
    }

    @Test
    void badInputIsRefusedAndWritesNothing() {
        long before = server.count("apps");
        long events = server.count("audit_events", "type NOT LIKE 'signing\\_key.%'");
        List<String> cb = List.of("https://a.example.com/cb");
        Api.Resp unknown = create("name", Fixtures.unique("x"), "client_type", "public", "redirect_uris", cb, "color", "red");
        assertEquals(400, unknown.status());
        assertTrue(unknown.summary().contains("color"), unknown.summary());
        assertEquals(400, create("name", 42, "client_type", "public", "redirect_uris", cb).status());
        assertEquals(400, create("name", Fixtures.unique("x"), "client_type", "public",
                "redirect_uris", "https://a.example.com/cb").status());
        assertEquals(400, create("name", Fixtures.unique("x"), "client_type", "public", "redirect_uris", List.of(5)).status());
        assertEquals(400, create("name", "", "client_type", "public", "redirect_uris", cb).status());
        assertEquals(400, create("client_type", "public", "redirect_uris", cb).status());
        assertEquals(400, api.post("/api/v1/apps", "{\"name\":").status());
        assertEquals(400, api.post("/api/v1/apps", "[]").status());
        Api.Resp secretGiven = create("name", Fixtures.unique("x"), "client_type", "confidential",
                "redirect_uris", cb, "client_secret", "mine");
        assertEquals(400, secretGiven.status());
        assertEquals(before, server.count("apps"));
        assertEquals(events, server.count("audit_events", "type NOT LIKE 'signing\\_key.%'"));
        assertEquals(404, api.get("/api/v1/apps/app_00000000000000000000").status());
        assertEquals(404, api.get("/api/v1/apps/not-an-id").status());
        assertEquals(400, api.get("/api/v1/apps?status=GONE").status());
    }

    @Test
    void updatesAreMergePatchesGuardedByTheVersion() {
        Api.Resp created = fx.app();
        String id = created.id();
        String path = "/api/v1/apps/" + id;
        assertEquals(428, api.patch(path, Api.map("name", Fixtures.unique("n")), null).status());
        assertEquals(412, api.patch(path, Api.map("name", Fixtures.unique("n")), "\"7\"").status());
        String newName = Fixtures.unique("renamed");
        Api.Resp ok = api.patch(path, Api.map("name", newName, "redirect_uris",
                List.of("https://b.example.com/cb", "http://localhost:9999/cb")), "\"1\"");
        assertEquals(200, ok.status(), ok.toString());
        assertEquals(newName, ok.body().path("name").asText());
        assertEquals(2, ok.body().path("redirect_uris").size());
        assertEquals("\"2\"", ok.header("ETag"));
        assertEquals(412, api.patch(path, Api.map("name", Fixtures.unique("n")), "\"1\"").status());

        for (Map<String, Object> bad : List.of(Api.map("client_type", "public"),
                Api.map("token_endpoint_auth_method", "private_key_jwt"), Api.map("status", "INACTIVE"),
                Api.map("redirect_uris", List.of("http://evil.example.com/cb")), Api.map("colour", "red"),
                Api.map("jwks", Map.of("keys", List.of(publicJwk()))), Api.map(), Api.map("name", 3))) {
            Api.Resp r = api.patch(path, bad, "\"2\"");
            assertEquals(400, r.status(), bad + " -> " + r);
        }
        assertEquals("\"2\"", api.get(path).header("ETag"));
        assertEquals(List.of("app.created", "app.updated"), fx.auditTypes(id));
        var changed = fx.auditEvents(id).get(1).path("details").path("changed");
        assertEquals("[\"name\",\"redirect_uris\"]", changed.toString());
    }

    @Test
    void jwksOfAPrivateKeyJwtAppCanBeReplacedButNotRemoved() {
        Api.Resp created = create("name", Fixtures.unique("pkjwt"), "client_type", "confidential",
                "token_endpoint_auth_method", "private_key_jwt", "redirect_uris", List.of("https://a.example.com/cb"),
                "jwks", Map.of("keys", List.of(publicJwk())));
        assertEquals(201, created.status(), created.toString());
        String path = "/api/v1/apps/" + created.id();
        String oldKid = created.body().path("jwks").path("keys").get(0).path("kid").asText();
        Map<String, Object> removal = new java.util.HashMap<>();
        removal.put("jwks", null);
        Api.Resp removed = api.patch(path, removal, "\"1\"");
        assertEquals(400, removed.status(), removed.toString());
        Api.Resp privateKey = api.patch(path, Api.map("jwks", Map.of("keys", List.of(Fixtures.ecKey().toJSONObject()))), "\"1\"");
        assertEquals(400, privateKey.status(), privateKey.toString());
        Api.Resp replaced = api.patch(path, Api.map("jwks", Map.of("keys", List.of(publicJwk(), publicJwk()))), "\"1\"");
        assertEquals(200, replaced.status(), replaced.toString());
        assertEquals(2, replaced.body().path("jwks").path("keys").size());
        assertFalse(replaced.raw().contains(oldKid));
    }

    @Test
    void lifecycleAndDeleteRules() {
        String id = fx.appId();
        String path = "/api/v1/apps/" + id;
        Api.Resp again = api.post(path + "/lifecycle/activate", null);
        assertEquals(409, again.status());
        assertEquals("E0000410", again.errorCode());
        Api.Resp deleteActive = api.delete(path);
        assertEquals(409, deleteActive.status());
        assertTrue(deleteActive.summary().contains("only INACTIVE"), deleteActive.summary());

        Api.Resp off = api.post(path + "/lifecycle/deactivate", null);
        assertEquals(200, off.status(), off.toString());
        assertEquals("INACTIVE", off.body().path("status").asText());
        assertEquals(409, api.post(path + "/lifecycle/deactivate", null).status());
        assertEquals(200, api.post(path + "/lifecycle/activate", null).status());
        assertEquals(200, api.post(path + "/lifecycle/deactivate", null).status());

        assertEquals(204, api.delete(path).status());
        assertEquals(404, api.get(path).status());
        assertEquals(404, api.delete(path).status());
        assertEquals(List.of("app.created", "app.deactivated", "app.activated", "app.deactivated", "app.deleted"),
                fx.auditTypes(id));
    }

    @Test
    void agentsLinkOnlyToExistingAppsAndBlockTheirDeletion() {
        String owner = fx.user();
        long agents = server.count("agents");
        Api.Resp missing = api.post("/api/v1/ai-agents", Api.map("name", Fixtures.unique("agent"),
                "agent_type", "user_delegated", "owners", List.of(owner), "risk_level", "low",
                "linked_app_id", "app_00000000000000000000"));
        assertEquals(400, missing.status(), missing.toString());
        assertTrue(missing.summary().contains("linked_app_id"), missing.summary());
        assertEquals(agents, server.count("agents"));

        String app = fx.appId();
        Api.Resp linked = api.post("/api/v1/ai-agents", Api.map("name", Fixtures.unique("agent"),
                "agent_type", "user_delegated", "owners", List.of(owner), "risk_level", "low", "linked_app_id", app));
        assertEquals(201, linked.status(), linked.toString());
        String agent = linked.id();
        assertEquals(List.of(agent), Api.JSON.convertValue(api.get("/api/v1/apps/" + app).body().path("linked_agents"),
                List.class));

        Api.Resp badPatch = api.patch("/api/v1/ai-agents/" + agent,
                Api.map("linked_app_id", "app_11111111111111111111"), "\"1\"");
        assertEquals(400, badPatch.status(), badPatch.toString());
        assertEquals(app, api.get("/api/v1/ai-agents/" + agent).body().path("linked_app_id").asText());

        assertEquals(200, api.post("/api/v1/apps/" + app + "/lifecycle/deactivate", null).status());
        Api.Resp blocked = api.delete("/api/v1/apps/" + app);
        assertEquals(409, blocked.status(), blocked.toString());
        assertTrue(blocked.summary().contains(agent), blocked.summary());
        assertEquals(200, api.get("/api/v1/apps/" + app).status());

        Map<String, Object> unlink = new java.util.HashMap<>();
        unlink.put("linked_app_id", null);
        assertEquals(200, api.patch("/api/v1/ai-agents/" + agent, unlink, "\"1\"").status());
        assertEquals(0, api.get("/api/v1/apps/" + app).body().path("linked_agents").size());
        assertEquals(204, api.delete("/api/v1/apps/" + app).status());
    }

    @Test
    void listsArePagedByCursor() {
        for (int i = 0; i < 3; i++) {
            fx.app();
        }
        Api.Resp first = api.get("/api/v1/apps?limit=2");
        assertEquals(200, first.status());
        assertEquals(2, first.body().size());
        String link = first.header("Link");
        assertNotNull(link, "a full page links to the next");
        String next = link.substring(link.indexOf('<') + 1, link.indexOf('>'));
        Api.Resp second = api.get(next);
        assertEquals(200, second.status());
        assertTrue(second.body().size() >= 1);
        assertNotEquals(first.body().get(0).path("id"), second.body().get(0).path("id"));
        assertTrue(api.get("/api/v1/apps?status=ACTIVE&limit=200").body().size() >= 1);
        assertEquals(400, api.get("/api/v1/apps?limit=0").status());
    }
}
