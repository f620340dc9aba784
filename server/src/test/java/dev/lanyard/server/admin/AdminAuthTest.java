package dev.lanyard.server.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanyard.server.Api;
import dev.lanyard.server.Fixtures;
import dev.lanyard.server.TestServer;
import java.sql.ResultSet;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdminAuthTest {
    private final TestServer server = TestServer.shared();
    private final Api admin = server.admin();

    @Test
    void missingTokenIs401AndAudited() {
        long before = lastSeq();
        Api.Resp r = server.anonymous().get("/api/v1/ai-agents");
        assertEquals(401, r.status());
        assertEquals("E0000011", r.errorCode());
        assertNotNull(r.header("WWW-Authenticate"));
        JsonNode event = lastEvent();
        assertTrue(event.path("seq").asLong() > before);
        assertEquals("admin.auth_failed", event.path("type").asText());
        assertEquals("missing_token", event.path("details").path("reason").asText());
        assertEquals(r.body().path("errorId").asText(), event.path("request_id").asText());
    }

    @Test
    void invalidTokenIs401AuditedWithoutTheToken() {
        String secret = "lya_not-a-real-token-but-long-enough";
        Api.Resp r = admin.withToken(secret).get("/api/v1/users");
        assertEquals(401, r.status());
        JsonNode event = lastEvent();
        assertEquals("admin.auth_failed", event.path("type").asText());
        assertEquals("invalid_token", event.path("details").path("reason").asText());
        assertFalse(event.toString().contains(secret), "the presented token must never be stored");
        assertEquals(401, server.anonymous().send("GET", "/api/v1/users", null, Map.of("Authorization", "Basic abc")).status());
    }

    @Test
    void auditorMayReadButNotWrite() {
        Api.Resp created = admin.post("/api/v1/admin-tokens", Api.map("name", Fixtures.unique("aud"), "role", "auditor"));
        assertEquals(201, created.status(), created.toString());
        String secret = created.body().path("token").asText();
        assertTrue(secret.startsWith("lya_"));
        Api auditor = admin.withToken(secret);
        assertEquals(200, auditor.get("/api/v1/ai-agents").status());
        assertEquals(200, auditor.get("/api/v1/audit/events").status());
        Api.Resp write = auditor.post("/api/v1/users", Api.map("login", Fixtures.unique("x"), "email", "x@example.com",
                "display_name", "X"));
        assertEquals(403, write.status());
        assertEquals("E0000006", write.errorCode());
        assertEquals(403, auditor.post("/api/v1/admin-tokens", Api.map("name", "x", "role", "admin")).status());
    }

    @Test
    void tokensAreStoredHashedAndListedWithoutSecrets() throws Exception {
        Api.Resp created = admin.post("/api/v1/admin-tokens", Api.map("name", Fixtures.unique("ops"), "role", "admin"));
        String secret = created.body().path("token").asText();
        Api.Resp list = admin.get("/api/v1/admin-tokens");
        assertEquals(200, list.status());
        assertFalse(list.raw().contains(secret));
        list.body().forEach(t -> assertFalse(t.has("token")));
        try (var c = server.jdbc(); ResultSet rs = c.createStatement().executeQuery("SELECT token_hash FROM admin_tokens")) {
            while (rs.next()) {
                assertFalse(rs.getString(1).contains(secret));
                assertEquals(64, rs.getString(1).length());
            }
        }
        // the new token works, and stops working once deleted
        assertEquals(200, admin.withToken(secret).get("/api/v1/users").status());
        assertEquals(204, admin.delete("/api/v1/admin-tokens/" + created.id()).status());
        assertEquals(401, admin.withToken(secret).get("/api/v1/users").status());
        assertEquals(404, admin.delete("/api/v1/admin-tokens/" + created.id()).status());
    }

    @Test
    void theLastAdminTokenCannotBeDeleted() {
        Api.Resp list = admin.get("/api/v1/admin-tokens");
        String bootstrap = null;
        for (JsonNode t : list.body()) {
            if (t.path("name").asText().equals("bootstrap")) {
                bootstrap = t.path("id").asText();
            }
        }
        assertNotNull(bootstrap);
        // delete every other admin token, then the bootstrap one must be refused
        for (JsonNode t : list.body()) {
            if (t.path("role").asText().equals("admin") && !t.path("id").asText().equals(bootstrap)) {
                assertEquals(204, admin.delete("/api/v1/admin-tokens/" + t.path("id").asText()).status());
            }
        }
        Api.Resp r = admin.delete("/api/v1/admin-tokens/" + bootstrap);
        assertEquals(409, r.status(), r.toString());
        assertTrue(r.summary().contains("last usable admin token"));
        assertEquals(200, admin.get("/api/v1/users").status());
    }

    @Test
    void badTokenRequestsAre400() {
        assertEquals(400, admin.post("/api/v1/admin-tokens", Api.map("name", "x", "role", "root")).status());
        assertEquals(400, admin.post("/api/v1/admin-tokens", Api.map("role", "admin")).status());
        assertEquals(400, admin.post("/api/v1/admin-tokens", Api.map("name", "x", "role", "admin",
                "expires_at", "2001-01-01T00:00:00Z")).status());
        assertEquals(404, admin.get("/api/v1/admin-tokens/atk_doesnotexist").status());
    }

    private long lastSeq() {
        return lastEvent().path("seq").asLong(0);
    }

    private JsonNode lastEvent() {
        try (var c = server.jdbc(); ResultSet rs = c.createStatement().executeQuery("SELECT seq FROM audit_head")) {
            rs.next();
            long head = rs.getLong(1);
            Api.Resp r = admin.get("/api/v1/audit/events?after=" + (head - 1));
            return r.body().get(0);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
