package dev.lanyard.server.authservers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanyard.server.Api;
import dev.lanyard.server.Fixtures;
import dev.lanyard.server.TestServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResourceTest {
    private final TestServer server = TestServer.shared();
    private final Api api = server.admin();
    private final Fixtures fx = new Fixtures(api);

    private static String resources(String serverId) {
        return "/api/v1/authorization-servers/" + serverId + "/resources";
    }

    @Test
    void aResourceIsStoredCanonicallyAndShownWithItsServer() {
        String as = fx.authServer();
        String host = Fixtures.unique("Tools");
        Api.Resp r = api.post(resources(as), Api.map("uri", "HTTPS://" + host + ".Example.com/MCP?v=1",
                "name", "Tools MCP", "scopes", List.of("tools.read", "tools.write"), "tags", List.of("production-write")));
        assertEquals(201, r.status(), r.toString());
        String id = r.id();
        assertTrue(id.startsWith("res_"), id);
        assertEquals("https://" + host.toLowerCase() + ".example.com/MCP?v=1", r.body().path("uri").asText());
        assertEquals(as, r.body().path("authorization_server_id").asText());
        assertEquals("production-write", r.body().path("tags").get(0).asText());
        assertEquals("\"1\"", r.header("ETag"));
        assertEquals(r.body(), api.get(resources(as) + "/" + id).body());
        assertEquals(id, api.get(resources(as)).body().get(0).path("id").asText());
        assertEquals(id, api.get("/api/v1/authorization-servers/" + as).body().path("resources").get(0).path("id").asText());
        assertEquals(List.of("authorization_server.resource.created"), fx.auditTypes(id));
        assertEquals(as, fx.auditEvents(id).get(0).path("details").path("authorization_server_id").asText());

        Api.Resp loopback = api.post(resources(as), Api.map("uri", "http://127.0.0.1:" + (20000 + (int) (Math.random() * 10000))
                + "/" + Fixtures.unique("mcp"), "name", "local", "scopes", List.of()));
        assertEquals(201, loopback.status(), loopback.toString());
        assertEquals(0, loopback.body().path("tags").size());

        String other = fx.authServer();
        assertEquals(404, api.get(resources(other) + "/" + id).status());
        assertEquals(404, api.get(resources("aus_00000000000000000000")).status());
        assertEquals(404, api.post(resources("aus_00000000000000000000"), Api.map("uri", "https://" + Fixtures.unique("x")
                + ".example.com", "name", "x", "scopes", List.of())).status());
    }

    @Test
    void resourceUrisFollowRfc8707() {
        String as = fx.authServer();
        long before = server.count("resources");
        String h = Fixtures.unique("r") + ".example.com";
        for (String bad : List.of("https://" + h + "/mcp#frag", "https://" + h + "/mcp#", "/mcp", "mcp",
                "http://" + h + "/mcp", "ws://" + h + "/mcp", "urn:example:mcp", "https://user@" + h + "/mcp",
                "https:///mcp", "https://" + h + "/a b", "")) {
            Api.Resp r = api.post(resources(as), Api.map("uri", bad, "name", "x", "scopes", List.of("a")));
            assertEquals(400, r.status(), bad + " -> " + r);
            assertTrue(r.summary().startsWith("uri"), r.summary());
        }
        assertEquals(400, api.post(resources(as), Api.map("name", "x", "scopes", List.of("a"))).status());
        assertEquals(before, server.count("resources"));
    }

    @Test
    void scopesAndTagsAreValidated() {
        String as = fx.authServer();
        long before = server.count("resources");
        String uri = "https://" + Fixtures.unique("s") + ".example.com/mcp";
        for (Map<String, Object> bad : List.of(Api.map("uri", uri, "name", "x", "scopes", List.of("*")),
                Api.map("uri", uri, "name", "x", "scopes", List.of("a b")),
                Api.map("uri", uri, "name", "x", "scopes", List.of("a", "a")),
                Api.map("uri", uri, "name", "x", "scopes", "a"),
                Api.map("uri", uri, "name", "x"),
                Api.map("uri", uri, "name", "", "scopes", List.of()),
                Api.map("uri", uri, "name", "x", "scopes", List.of(), "tags", List.of("bad tag")),
                Api.map("uri", uri, "name", "x", "scopes", List.of(), "extra", true))) {
            Api.Resp r = api.post(resources(as), bad);
            assertEquals(400, r.status(), bad + " -> " + r);
        }
        assertEquals(before, server.count("resources"));
    }

    @Test
    void aUriIsGovernedByOneServerOnly() {
        String a = fx.authServer();
        String b = fx.authServer();
        String uri = "https://" + Fixtures.unique("dup") + ".example.com/mcp";
        assertEquals(201, api.post(resources(a), Api.map("uri", uri, "name", "x", "scopes", List.of())).status());
        long before = server.count("resources");
        Api.Resp sameServer = api.post(resources(a), Api.map("uri", uri, "name", "y", "scopes", List.of()));
        assertEquals(409, sameServer.status(), sameServer.toString());
        Api.Resp otherServer = api.post(resources(b), Api.map("uri", uri.replace("https://", "HTTPS://"), "name", "y",
                "scopes", List.of()));
        assertEquals(409, otherServer.status(), otherServer.toString());
        assertEquals("E0000411", otherServer.errorCode());
        assertEquals(before, server.count("resources"));
    }

    @Test
    void scopesThatConnectionsUseCantBeTakenAway() {
        String as = fx.authServer();
        String res = fx.resource(as, "a", "b", "c");
        String other = fx.resource(as, "z");
        String agent = fx.agentId("autonomous", fx.user());
        assertEquals(201, fx.connection(agent, as, res, "client_credentials", "INCLUDE_ONLY", List.of("a")).status());
        assertEquals(201, fx.connection(agent, as, null, "client_credentials", "EXCLUDE", List.of("b")).status());
        String path = resources(as) + "/" + res;

        assertEquals(428, api.patch(path, Api.map("name", "n"), null).status());
        assertEquals(400, api.patch(path, Api.map("uri", "https://x.example.com"), "\"1\"").status());
        assertEquals(400, api.patch(path, Api.map("scopes", List.of("*")), "\"1\"").status());
        Api.Resp dropA = api.patch(path, Api.map("scopes", List.of("b", "c")), "\"1\"");
        assertEquals(409, dropA.status(), dropA.toString());
        assertTrue(dropA.summary().contains("[a]"), dropA.summary());
        Api.Resp dropB = api.patch(path, Api.map("scopes", List.of("a", "c")), "\"1\"");
        assertEquals(409, dropB.status(), "a server-wide connection excludes b: " + dropB);
        assertEquals("\"1\"", api.get(path).header("ETag"));

        Api.Resp dropC = api.patch(path, Api.map("scopes", List.of("a", "b", "d"), "name", "renamed",
                "tags", List.of("t1")), "\"1\"");
        assertEquals(200, dropC.status(), dropC.toString());
        assertEquals(List.of("a", "b", "d"), Api.JSON.convertValue(dropC.body().path("scopes"), List.class));
        assertEquals("renamed", dropC.body().path("name").asText());
        assertEquals("\"2\"", dropC.header("ETag"));
        assertEquals(412, api.patch(path, Api.map("name", "again"), "\"1\"").status());

        Api.Resp deleteUsed = api.delete(path);
        assertEquals(409, deleteUsed.status(), deleteUsed.toString());
        assertEquals(200, api.get(path).status());
        // "other" is named by no connection and defines no scope a server-wide connection needs
        assertEquals(204, api.delete(resources(as) + "/" + other).status());
        assertEquals(404, api.get(resources(as) + "/" + other).status());
        assertEquals(404, api.delete(resources(as) + "/" + other).status());
        assertEquals(List.of("authorization_server.resource.created", "authorization_server.resource.updated"),
                fx.auditTypes(res));
        assertEquals(List.of("authorization_server.resource.created", "authorization_server.resource.deleted"),
                fx.auditTypes(other));
    }

    @Test
    void aResourceWhoseScopesAServerWideConnectionNeedsCantBeDeleted() {
        String as = fx.authServer();
        String res = fx.resource(as, "only.here");
        String agent = fx.agentId("autonomous", fx.user());
        Api.Resp con = fx.connection(agent, as, null, "client_credentials", "INCLUDE_ONLY", List.of("only.here"));
        assertEquals(201, con.status(), con.toString());
        Api.Resp refused = api.delete(resources(as) + "/" + res);
        assertEquals(409, refused.status(), refused.toString());
        assertTrue(refused.summary().contains(con.id()), refused.summary());
        assertEquals(200, api.get(resources(as) + "/" + res).status());
    }
}
