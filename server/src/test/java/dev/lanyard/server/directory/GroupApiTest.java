package dev.lanyard.server.directory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanyard.server.Api;
import dev.lanyard.server.Fixtures;
import dev.lanyard.server.TestServer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GroupApiTest {
    private static final String NO_SUCH_USER = "usr_00000000000000000000";
    private static final String NO_SUCH_GROUP = "grp_00000000000000000000";
    private final TestServer server = TestServer.shared();
    private final Api api = server.admin();
    private final Fixtures fx = new Fixtures(api);

    private Api.Resp create(String name) {
        Api.Resp r = api.post("/api/v1/groups", Api.map("name", name, "description", "about " + name));
        assertEquals(201, r.status(), r.toString());
        return r;
    }

    private static void assertError(Api.Resp r, int status, String code) {
        assertEquals(status, r.status(), r.toString());
        assertEquals(code, r.errorCode(), r.toString());
        assertFalse(r.summary().isEmpty(), r.toString());
        assertFalse(r.body().path("errorId").asText("").isEmpty(), r.toString());
    }

    private static List<String> ids(Api.Resp r) {
        assertEquals(200, r.status(), r.toString());
        assertTrue(r.body().isArray(), r.toString());
        List<String> ids = new ArrayList<>();
        r.body().forEach(n -> ids.add(n.path("id").asText()));
        return ids;
    }

    private List<String> members(String group) {
        return ids(api.get("/api/v1/groups/" + group + "/users"));
    }

    @Test
    void createGetUpdateDelete() {
        String name = Fixtures.unique("Engineering");
        Api.Resp r = create(name);
        JsonNode b = r.body();
        assertTrue(r.id().startsWith("grp_"), r.id());
        assertEquals(name, b.path("name").asText());
        assertEquals("about " + name, b.path("description").asText());
        assertEquals(1, b.path("version").asInt());
        assertTrue(b.path("created_by").asText().startsWith("admin_token:"), b.toString());
        assertFalse(b.has("seq"), b.toString());
        assertEquals("\"1\"", r.header("ETag"));

        Api.Resp got = api.get("/api/v1/groups/" + r.id());
        assertEquals(200, got.status(), got.toString());
        assertEquals(b, got.body());

        Api.Resp u = api.patch("/api/v1/groups/" + r.id(), Api.map("description", "new words"), r.header("ETag"));
        assertEquals(200, u.status(), u.toString());
        assertEquals(name, u.body().path("name").asText());
        assertEquals("new words", u.body().path("description").asText());
        assertEquals("\"2\"", u.header("ETag"));

        String renamed = Fixtures.unique("Platform");
        Api.Resp v = api.patch("/api/v1/groups/" + r.id(), Api.map("name", renamed, "version", 2), null);
        assertEquals(200, v.status(), v.toString());
        assertEquals(renamed, v.body().path("name").asText());
        assertEquals("new words", v.body().path("description").asText());
        assertEquals(v.body(), api.get("/api/v1/groups/" + r.id()).body());

        Api.Resp del = api.delete("/api/v1/groups/" + r.id());
        assertEquals(204, del.status(), del.toString());
        assertError(api.get("/api/v1/groups/" + r.id()), 404, "E0000007");
        assertError(api.delete("/api/v1/groups/" + r.id()), 404, "E0000007");
        assertEquals(List.of("group.created", "group.updated", "group.updated", "group.deleted"), fx.auditTypes(r.id()));
    }

    @Test
    void descriptionIsOptional() {
        Api.Resp r = api.post("/api/v1/groups", Api.map("name", Fixtures.unique("bare")));
        assertEquals(201, r.status(), r.toString());
        assertEquals("", r.body().path("description").asText());
    }

    @Test
    void updateNeedsAFreshVersion() {
        Api.Resp r = create(Fixtures.unique("occ"));
        assertError(api.patch("/api/v1/groups/" + r.id(), Api.map("description", "x"), null), 428, "E0000428");
        assertEquals(200, api.patch("/api/v1/groups/" + r.id(), Api.map("description", "y"), "\"1\"").status());
        Api.Resp stale = api.patch("/api/v1/groups/" + r.id(), Api.map("description", "z"), "\"1\"");
        assertError(stale, 412, "E0000412");
        assertTrue(stale.summary().contains("version 2"), stale.summary());
        assertEquals("y", api.get("/api/v1/groups/" + r.id()).body().path("description").asText());
        assertEquals(List.of("group.created", "group.updated"), fx.auditTypes(r.id()));
    }

    @Test
    void duplicateNamesAreRefusedRegardlessOfCase() {
        String name = Fixtures.unique("Dup");
        Api.Resp first = create(name);
        long before = server.count("groups");
        for (String variant : List.of(name, name.toUpperCase(), name.toLowerCase())) {
            Api.Resp r = api.post("/api/v1/groups", Api.map("name", variant));
            assertError(r, 409, "E0000411");
        }
        assertEquals(before, server.count("groups"));

        // renaming onto an existing name is refused too, and changes nothing
        Api.Resp other = create(Fixtures.unique("Other"));
        Api.Resp rename = api.patch("/api/v1/groups/" + other.id(), Api.map("name", name.toLowerCase()), other.header("ETag"));
        assertError(rename, 409, "E0000411");
        assertEquals(other.body(), api.get("/api/v1/groups/" + other.id()).body());
        assertEquals(first.body(), api.get("/api/v1/groups/" + first.id()).body());
    }

    @Test
    void missingOrBlankNameIsRefused() {
        long before = server.count("groups");
        assertError(api.post("/api/v1/groups", Api.map("description", "no name")), 400, "E0000001");
        assertError(api.post("/api/v1/groups", Api.map("name", "   ")), 400, "E0000001");
        assertError(api.post("/api/v1/groups", Api.map("name", "x".repeat(201))), 400, "E0000001");
        assertError(api.post("/api/v1/groups", Api.map("name", Fixtures.unique("g"), "members", List.of())), 400, "E0000001");
        assertEquals(before, server.count("groups"));
    }

    @Test
    void membersCanBeAddedIdempotentlyListedAndRemoved() {
        String group = create(Fixtures.unique("team")).id();
        String alice = fx.user();
        String bob = fx.user();
        assertEquals(List.of(), members(group));

        Api.Resp add = api.put("/api/v1/groups/" + group + "/users/" + alice);
        assertEquals(204, add.status(), add.toString());
        // adding again is fine and changes nothing
        assertEquals(204, api.put("/api/v1/groups/" + group + "/users/" + alice).status());
        assertEquals(204, api.put("/api/v1/groups/" + group + "/users/" + bob).status());
        assertEquals(List.of(alice, bob), members(group));
        Api.Resp list = api.get("/api/v1/groups/" + group + "/users");
        assertEquals("ACTIVE", list.body().get(0).path("status").asText());
        assertFalse(list.raw().contains("password"), list.toString());

        assertEquals(204, api.delete("/api/v1/groups/" + group + "/users/" + alice).status());
        assertEquals(List.of(bob), members(group));
        // removing a non-member is a 404
        assertError(api.delete("/api/v1/groups/" + group + "/users/" + alice), 404, "E0000007");
        assertEquals(List.of(bob), members(group));

        // one audit event per actual change: the repeated add wrote nothing
        List<JsonNode> events = fx.auditEvents(group);
        List<String> types = new ArrayList<>();
        events.forEach(e -> types.add(e.path("type").asText()));
        assertEquals(List.of("group.created", "group.member_added", "group.member_added", "group.member_removed"), types);
        assertEquals(alice, events.get(1).path("details").path("user_id").asText());
        assertEquals(bob, events.get(2).path("details").path("user_id").asText());
        assertEquals(alice, events.get(3).path("details").path("user_id").asText());
    }

    @Test
    void memberListPagesWithTheLinkHeader() {
        String group = create(Fixtures.unique("paged")).id();
        List<String> users = List.of(fx.user(), fx.user(), fx.user());
        for (String u : users) {
            assertEquals(204, api.put("/api/v1/groups/" + group + "/users/" + u).status());
        }
        Api.Resp first = api.get("/api/v1/groups/" + group + "/users?limit=2");
        assertEquals(users.subList(0, 2), ids(first));
        String link = first.header("Link");
        assertTrue(link != null && link.endsWith(">; rel=\"next\""), String.valueOf(link));
        String next = link.substring(1, link.indexOf('>'));
        Api.Resp second = api.get("/api/v1" + next.substring(next.indexOf("/groups")));
        assertEquals(users.subList(2, 3), ids(second));
        assertEquals(null, second.header("Link"));
    }

    @Test
    void unknownUserOrGroupIs404AndChangesNothing() {
        String group = create(Fixtures.unique("strict")).id();
        String user = fx.user();
        long before = server.count("group_members");
        assertError(api.put("/api/v1/groups/" + group + "/users/" + NO_SUCH_USER), 404, "E0000007");
        assertError(api.put("/api/v1/groups/" + NO_SUCH_GROUP + "/users/" + user), 404, "E0000007");
        assertError(api.put("/api/v1/groups/" + group + "/users/not-a-user"), 404, "E0000007");
        assertError(api.put("/api/v1/groups/not-a-group/users/" + user), 404, "E0000007");
        assertError(api.delete("/api/v1/groups/" + NO_SUCH_GROUP + "/users/" + user), 404, "E0000007");
        assertError(api.get("/api/v1/groups/" + NO_SUCH_GROUP + "/users"), 404, "E0000007");
        assertError(api.get("/api/v1/groups/" + NO_SUCH_GROUP), 404, "E0000007");
        assertError(api.get("/api/v1/groups/usr_00000000000000000000"), 404, "E0000007");
        assertError(api.patch("/api/v1/groups/" + NO_SUCH_GROUP, Api.map("name", "x"), "\"1\""), 404, "E0000007");
        assertError(api.delete("/api/v1/groups/" + NO_SUCH_GROUP), 404, "E0000007");
        assertEquals(before, server.count("group_members"));
        assertEquals(List.of(), members(group));
        assertEquals(List.of("group.created"), fx.auditTypes(group));
    }

    @Test
    void deletingAGroupThatOwnsAnAgentIsRefused() {
        String group = create(Fixtures.unique("owners")).id();
        String owner = fx.user();
        Api.Resp agent = api.post("/api/v1/ai-agents", Api.map("name", Fixtures.unique("grp-owned"),
                "agent_type", "autonomous", "owners", List.of(owner), "owner_group_id", group, "risk_level", "low"));
        assertEquals(201, agent.status(), agent.toString());
        assertEquals(group, agent.body().path("owner_group_id").asText());

        Api.Resp r = api.delete("/api/v1/groups/" + group);
        assertError(r, 409, "E0000409");
        assertTrue(r.summary().contains(agent.id()), r.summary());
        assertEquals(200, api.get("/api/v1/groups/" + group).status());
        assertEquals(List.of("group.created"), fx.auditTypes(group));

        // clearing the owner group (merge patch null) lets the group go
        Api.Resp cleared = api.patch("/api/v1/ai-agents/" + agent.id(), Api.map("owner_group_id", null), agent.header("ETag"));
        assertEquals(200, cleared.status(), cleared.toString());
        assertTrue(cleared.body().path("owner_group_id").isNull(), cleared.toString());
        assertEquals(204, api.delete("/api/v1/groups/" + group).status());
    }

    @Test
    void deletingAGroupRemovesItsMembershipsButNotTheUsers() {
        String group = create(Fixtures.unique("gone")).id();
        String user = fx.user();
        assertEquals(204, api.put("/api/v1/groups/" + group + "/users/" + user).status());
        assertEquals(204, api.delete("/api/v1/groups/" + group).status());
        assertEquals(200, api.get("/api/v1/users/" + user).status());
        assertError(api.get("/api/v1/groups/" + group + "/users"), 404, "E0000007");
    }

    @Test
    void listFiltersByNamePrefix() {
        String prefix = Fixtures.unique("lst").toLowerCase();
        String a = create(prefix + "-a").id();
        String b = create(prefix.toUpperCase() + "-b").id();
        create(Fixtures.unique("unrelated"));
        assertEquals(List.of(a, b), ids(api.get("/api/v1/groups?q=" + prefix)));
        assertEquals(List.of(a), ids(api.get("/api/v1/groups?q=" + prefix + "-a")));
        assertEquals(List.of(a), ids(api.get("/api/v1/groups?q=" + prefix + "&limit=1")));
        assertError(api.get("/api/v1/groups?limit=0"), 400, "E0000001");
        assertError(api.get("/api/v1/groups?q=a&q=b"), 400, "E0000001");
    }
}
