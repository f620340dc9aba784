package dev.lanyard.server.directory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanyard.server.Api;
import dev.lanyard.server.Fixtures;
import dev.lanyard.server.TestServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UserApiTest {
    private static final String PASSWORD = "correct horse battery staple";
    private final TestServer server = TestServer.shared();
    private final Api api = server.admin();
    private final Fixtures fx = new Fixtures(api);

    private static Map<String, Object> newUser(String login) {
        return Api.map("login", login, "email", login + "@example.com", "display_name", "Test " + login,
                "password", PASSWORD);
    }

    private Api.Resp create(String login) {
        Api.Resp r = api.post("/api/v1/users", newUser(login));
        assertEquals(201, r.status(), r.toString());
        return r;
    }

    private Api.Resp lifecycle(String id, String action) {
        return api.post("/api/v1/users/" + id + "/lifecycle/" + action, null);
    }

    private String status(String id) {
        Api.Resp r = api.get("/api/v1/users/" + id);
        assertEquals(200, r.status(), r.toString());
        return r.body().path("status").asText();
    }

    private String storedHash(String id) throws Exception {
        try (Connection c = server.jdbc();
                PreparedStatement ps = c.prepareStatement("SELECT password_hash FROM users WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next(), "no row for " + id);
                return rs.getString(1);
            }
        }
    }

    private static void assertNoPassword(Api.Resp r) {
        assertFalse(r.raw().contains("password"), "a response mentions the password: " + r);
        assertFalse(r.raw().contains(PASSWORD), "a response carries the password: " + r);
        assertFalse(r.raw().contains("argon2"), "a response carries the password hash: " + r);
    }

    private static void assertError(Api.Resp r, int status, String code) {
        assertEquals(status, r.status(), r.toString());
        assertEquals(code, r.errorCode(), r.toString());
        assertFalse(r.summary().isEmpty(), r.toString());
        assertFalse(r.body().path("errorId").asText("").isEmpty(), r.toString());
    }

    @Test
    void createdUserIsActiveWithEveryFieldAndNoPassword() {
        String login = Fixtures.unique("alice");
        Api.Resp r = create(login);
        JsonNode b = r.body();
        assertTrue(r.id().startsWith("usr_"), r.id());
        assertEquals(login, b.path("login").asText());
        assertEquals(login + "@example.com", b.path("email").asText());
        assertEquals("Test " + login, b.path("display_name").asText());
        assertEquals("ACTIVE", b.path("status").asText());
        assertEquals(1, b.path("version").asInt());
        assertTrue(b.path("created_by").asText().startsWith("admin_token:"), b.toString());
        assertTrue(b.has("created") && b.has("updated"), b.toString());
        assertFalse(b.has("seq"), "internal seq leaked: " + b);
        assertEquals("\"1\"", r.header("ETag"));
        assertNoPassword(r);

        Api.Resp got = api.get("/api/v1/users/" + r.id());
        assertEquals(200, got.status(), got.toString());
        assertEquals(b, got.body());
        assertEquals("\"1\"", got.header("ETag"));
        assertNoPassword(got);
    }

    @Test
    void userWithoutPasswordCanBeCreatedAndStoresNoHash() throws Exception {
        String login = Fixtures.unique("nopw");
        Api.Resp r = api.post("/api/v1/users", Api.map("login", login, "email", login + "@example.com",
                "display_name", "No Password"));
        assertEquals(201, r.status(), r.toString());
        assertNull(storedHash(r.id()));
        assertEquals("false", fx.auditEvents(r.id()).get(0).path("details").path("password_set").asText());
    }

    @Test
    void passwordIsStoredAsArgon2idAndNeverReturned() throws Exception {
        Api.Resp r = create(Fixtures.unique("hashed"));
        String hash = storedHash(r.id());
        assertNotNull(hash);
        assertTrue(hash.startsWith("$argon2id$v=19$"), hash);
        assertFalse(hash.contains(PASSWORD));
        assertTrue(PasswordHasher.verify(PASSWORD, hash));

        // a password change stores a new hash, and still returns nothing about it
        String newPassword = "another long passphrase 42";
        Api.Resp changed = api.patch("/api/v1/users/" + r.id(), Api.map("password", newPassword), r.header("ETag"));
        assertEquals(200, changed.status(), changed.toString());
        assertFalse(changed.raw().contains(newPassword), changed.toString());
        assertNoPassword(changed);
        String newHash = storedHash(r.id());
        assertTrue(newHash.startsWith("$argon2id$"), newHash);
        assertTrue(PasswordHasher.verify(newPassword, newHash));
        assertFalse(PasswordHasher.verify(PASSWORD, newHash));

        // nor in lists, lifecycle answers or audit events
        assertNoPassword(api.get("/api/v1/users?q=" + r.body().path("login").asText()));
        assertNoPassword(lifecycle(r.id(), "suspend"));
        Api.Resp audit = api.get("/api/v1/audit/events?target=" + r.id() + "&limit=100");
        assertFalse(audit.raw().contains(PASSWORD) || audit.raw().contains(newPassword) || audit.raw().contains("argon2"),
                audit.toString());
    }

    @Test
    void passwordTooShortIsRefused() {
        String login = Fixtures.unique("shortpw");
        long before = server.count("users");
        Api.Resp r = api.post("/api/v1/users", Api.map("login", login, "email", login + "@example.com",
                "display_name", "x", "password", "short"));
        assertError(r, 400, "E0000001");
        assertTrue(r.summary().contains("password"), r.summary());
        assertFalse(r.raw().contains("short\""), "the refused password is echoed: " + r);
        assertEquals(before, server.count("users"));
    }

    @Test
    void duplicateLoginIsRefusedRegardlessOfCase() {
        String login = Fixtures.unique("Dup");
        create(login);
        long before = server.count("users");
        for (String variant : List.of(login, login.toLowerCase(), login.toUpperCase())) {
            Api.Resp r = api.post("/api/v1/users", newUser(variant));
            assertError(r, 409, "E0000411");
            assertTrue(r.summary().contains("already exists"), r.summary());
        }
        assertEquals(before, server.count("users"));
    }

    @Test
    void invalidUserIdsAre404() {
        for (String id : List.of("not-an-id", "usr_short", "agt_01234567890123456789", "usr_0123456789012345678%21")) {
            Api.Resp r = api.get("/api/v1/users/" + id);
            assertError(r, 404, "E0000007");
        }
        Api.Resp unknown = api.get("/api/v1/users/usr_00000000000000000000");
        assertError(unknown, 404, "E0000007");
        assertError(lifecycle("usr_00000000000000000000", "suspend"), 404, "E0000007");
        assertError(api.delete("/api/v1/users/usr_00000000000000000000"), 404, "E0000007");
        assertError(api.patch("/api/v1/users/usr_00000000000000000000", Api.map("display_name", "x"), "\"1\""),
                404, "E0000007");
    }

    @Test
    void updateChangesOnlyTheGivenFieldsAndBumpsTheVersion() {
        Api.Resp r = create(Fixtures.unique("upd"));
        String id = r.id();
        Api.Resp u = api.patch("/api/v1/users/" + id, Api.map("display_name", "Renamed"), r.header("ETag"));
        assertEquals(200, u.status(), u.toString());
        assertEquals("Renamed", u.body().path("display_name").asText());
        assertEquals(r.body().path("email"), u.body().path("email"));
        assertEquals(r.body().path("login"), u.body().path("login"));
        assertEquals(2, u.body().path("version").asInt());
        assertEquals("\"2\"", u.header("ETag"));

        // the version field works instead of If-Match
        Api.Resp v = api.patch("/api/v1/users/" + id, Api.map("email", "new@example.org", "version", 2), null);
        assertEquals(200, v.status(), v.toString());
        assertEquals("new@example.org", v.body().path("email").asText());
        assertEquals("Renamed", v.body().path("display_name").asText());
        assertEquals(3, v.body().path("version").asInt());
        assertEquals(v.body(), api.get("/api/v1/users/" + id).body());
    }

    @Test
    void updateWithoutVersionIs428AndWithStaleVersionIs412() {
        Api.Resp r = create(Fixtures.unique("occ"));
        String id = r.id();
        Api.Resp none = api.patch("/api/v1/users/" + id, Api.map("display_name", "Nope"), null);
        assertError(none, 428, "E0000428");
        Api.Resp ok = api.patch("/api/v1/users/" + id, Api.map("display_name", "Yes"), "\"1\"");
        assertEquals(200, ok.status(), ok.toString());
        Api.Resp stale = api.patch("/api/v1/users/" + id, Api.map("display_name", "Stale"), "\"1\"");
        assertError(stale, 412, "E0000412");
        assertTrue(stale.summary().contains("version 2"), stale.summary());
        Api.Resp got = api.get("/api/v1/users/" + id);
        assertEquals("Yes", got.body().path("display_name").asText());
        assertEquals(2, got.body().path("version").asInt());
    }

    @Test
    void loginCannotBeChanged() {
        Api.Resp r = create(Fixtures.unique("fixedlogin"));
        Api.Resp u = api.patch("/api/v1/users/" + r.id(), Api.map("login", "other"), r.header("ETag"));
        assertError(u, 400, "E0000001");
        assertEquals(r.body(), api.get("/api/v1/users/" + r.id()).body());
    }

    @Test
    void fullLifecycleThenDeleteWritesAnAuditEventForEachChange() {
        Api.Resp r = create(Fixtures.unique("life"));
        String id = r.id();
        assertEquals(200, api.patch("/api/v1/users/" + id, Api.map("display_name", "L"), r.header("ETag")).status());

        Api.Resp s = lifecycle(id, "suspend");
        assertEquals(200, s.status(), s.toString());
        assertEquals("SUSPENDED", s.body().path("status").asText());
        assertEquals(3, s.body().path("version").asInt());
        assertEquals("\"3\"", s.header("ETag"));

        Api.Resp us = lifecycle(id, "unsuspend");
        assertEquals(200, us.status(), us.toString());
        assertEquals("ACTIVE", us.body().path("status").asText());

        Api.Resp dp = lifecycle(id, "deprovision");
        assertEquals(200, dp.status(), dp.toString());
        assertEquals("DEPROVISIONED", dp.body().path("status").asText());

        Api.Resp ra = lifecycle(id, "reactivate");
        assertEquals(200, ra.status(), ra.toString());
        assertEquals("ACTIVE", ra.body().path("status").asText());

        assertEquals(200, lifecycle(id, "suspend").status());
        // SUSPENDED may be deprovisioned directly
        assertEquals(200, lifecycle(id, "deprovision").status());
        Api.Resp del = api.delete("/api/v1/users/" + id);
        assertEquals(204, del.status(), del.toString());
        assertTrue(del.raw().isEmpty());
        assertError(api.get("/api/v1/users/" + id), 404, "E0000007");
        assertError(api.delete("/api/v1/users/" + id), 404, "E0000007");

        assertEquals(List.of("user.created", "user.updated", "user.suspended", "user.unsuspended", "user.deprovisioned",
                "user.reactivated", "user.suspended", "user.deprovisioned", "user.deleted"), fx.auditTypes(id));
        for (JsonNode e : fx.auditEvents(id)) {
            assertEquals("success", e.path("outcome").asText().toLowerCase(), e.toString());
            assertTrue(e.path("actor").asText().startsWith("admin_token:"), e.toString());
            assertEquals(id, e.path("target").asText());
        }
        JsonNode updated = fx.auditEvents(id).get(1);
        assertEquals("display_name", updated.path("details").path("changed").get(0).asText(), updated.toString());
    }

    @Test
    void refusedTransitionsAre409AndChangeNothing() {
        String id = fx.user();
        // from ACTIVE: unsuspend and reactivate are refused
        assertRefused(id, "unsuspend", "ACTIVE");
        assertRefused(id, "reactivate", "ACTIVE");
        // from SUSPENDED: suspend and reactivate are refused
        assertEquals(200, lifecycle(id, "suspend").status());
        assertRefused(id, "suspend", "SUSPENDED");
        assertRefused(id, "reactivate", "SUSPENDED");
        // from DEPROVISIONED: suspend, unsuspend and deprovision are refused
        assertEquals(200, lifecycle(id, "deprovision").status());
        assertRefused(id, "suspend", "DEPROVISIONED");
        assertRefused(id, "unsuspend", "DEPROVISIONED");
        assertRefused(id, "deprovision", "DEPROVISIONED");
        assertEquals(List.of("user.created", "user.suspended", "user.deprovisioned"), fx.auditTypes(id));
    }

    private void assertRefused(String id, String action, String state) {
        Api.Resp before = api.get("/api/v1/users/" + id);
        Api.Resp r = lifecycle(id, action);
        assertError(r, 409, "E0000410");
        assertTrue(r.summary().contains(state), r.summary());
        Api.Resp after = api.get("/api/v1/users/" + id);
        assertEquals(state, after.body().path("status").asText());
        assertEquals(before.body(), after.body(), "a refused " + action + " changed the user");
    }

    @Test
    void deleteIsRefusedUnlessDeprovisioned() {
        String id = fx.user();
        Api.Resp active = api.delete("/api/v1/users/" + id);
        assertError(active, 409, "E0000410");
        assertTrue(active.summary().contains("ACTIVE"), active.summary());
        assertEquals(200, lifecycle(id, "suspend").status());
        Api.Resp suspended = api.delete("/api/v1/users/" + id);
        assertError(suspended, 409, "E0000410");
        assertEquals("SUSPENDED", status(id));
        assertEquals(List.of("user.created", "user.suspended"), fx.auditTypes(id));
    }

    @Test
    void deleteOfAnAgentOwnerIsRefused() {
        String owner = fx.user();
        String agent = fx.agentId("autonomous", owner);
        assertEquals(200, lifecycle(owner, "deprovision").status());
        Api.Resp r = api.delete("/api/v1/users/" + owner);
        assertError(r, 409, "E0000409");
        assertTrue(r.summary().contains(agent), r.summary());
        assertEquals("DEPROVISIONED", status(owner));
        assertEquals(owner, api.get("/api/v1/ai-agents/" + agent).body().path("owners").get(0).asText());
        assertFalse(fx.auditTypes(owner).contains("user.deleted"));

        // once the agent has another owner, the user can go
        String other = fx.user();
        String etag = api.get("/api/v1/ai-agents/" + agent).header("ETag");
        assertEquals(200, api.patch("/api/v1/ai-agents/" + agent, Api.map("owners", List.of(other)), etag).status());
        assertEquals(204, api.delete("/api/v1/users/" + owner).status());
    }

    @Test
    void deletedUserLeavesItsGroups() {
        String id = fx.user();
        Api.Resp g = api.post("/api/v1/groups", Api.map("name", Fixtures.unique("grp")));
        assertEquals(201, g.status(), g.toString());
        assertEquals(204, api.put("/api/v1/groups/" + g.id() + "/users/" + id).status());
        assertEquals(200, lifecycle(id, "deprovision").status());
        assertEquals(204, api.delete("/api/v1/users/" + id).status());
        Api.Resp members = api.get("/api/v1/groups/" + g.id() + "/users");
        assertEquals(200, members.status(), members.toString());
        assertEquals(0, members.body().size(), members.toString());
    }

    @Test
    void listFiltersByStatusAndLoginPrefix() {
        String prefix = Fixtures.unique("lst").toLowerCase();
        String a = create(prefix + "-a").id();
        String b = create(prefix + "-b").id();
        String c = create(prefix.toUpperCase() + "-c").id();
        create(Fixtures.unique("other"));
        assertEquals(200, lifecycle(b, "suspend").status());

        assertEquals(List.of(a, b, c), ids(api.get("/api/v1/users?q=" + prefix)));
        // q is case-insensitive
        assertEquals(List.of(a, b, c), ids(api.get("/api/v1/users?q=" + prefix.toUpperCase())));
        assertEquals(List.of(a, c), ids(api.get("/api/v1/users?q=" + prefix + "&status=ACTIVE")));
        assertEquals(List.of(b), ids(api.get("/api/v1/users?q=" + prefix + "&status=suspended")));
        assertEquals(List.of(), ids(api.get("/api/v1/users?q=" + prefix + "&status=DEPROVISIONED")));
        assertEquals(List.of(a), ids(api.get("/api/v1/users?q=" + prefix + "-a")));
        // LIKE wildcards in q are literal
        assertEquals(List.of(), ids(api.get("/api/v1/users?q=" + prefix.substring(0, 3) + "%25")));
        assertEquals(List.of(), ids(api.get("/api/v1/users?q=" + prefix + "_")));
        Api.Resp all = api.get("/api/v1/users?q=" + prefix);
        assertNoPassword(all);
    }

    private static List<String> ids(Api.Resp r) {
        assertEquals(200, r.status(), r.toString());
        assertTrue(r.body().isArray(), r.toString());
        List<String> ids = new java.util.ArrayList<>();
        r.body().forEach(u -> ids.add(u.path("id").asText()));
        return ids;
    }

    @Test
    void refusedRequestsWriteNoAuditEvents() {
        Api.Resp r = create(Fixtures.unique("quiet"));
        String id = r.id();
        lifecycle(id, "unsuspend");
        api.patch("/api/v1/users/" + id, Api.map("display_name", "x"), null);
        api.patch("/api/v1/users/" + id, Api.map("display_name", "x"), "\"7\"");
        api.delete("/api/v1/users/" + id);
        assertEquals(List.of("user.created"), fx.auditTypes(id));
        assertEquals(r.body(), api.get("/api/v1/users/" + id).body());
    }
}
