package dev.lanyard.server.authservers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanyard.server.Api;
import dev.lanyard.server.Fixtures;
import dev.lanyard.server.TestServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuthServerTest {
    private static final String BASE = "/api/v1/authorization-servers";
    private final TestServer server = TestServer.shared();
    private final Api api = server.admin();
    private final Fixtures fx = new Fixtures(api);

    private long rows(String sql, String id) throws Exception {
        try (Connection c = server.jdbc(); var st = c.prepareStatement(sql)) {
            st.setString(1, id);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** This capability's events about the server (other capabilities, e.g. signing keys, may add their own). */
    private List<String> serverEvents(String id) {
        return fx.auditTypes(id).stream().filter(t -> t.startsWith("authorization_server.")).toList();
    }

    @Test
    void createdServerHasItsIssuerAndMetadataUrl() {
        String name = Fixtures.unique("Tickets AS");
        Api.Resp r = api.post(BASE, Api.map("name", name, "description", "tickets and MCP tools"));
        assertEquals(201, r.status(), r.toString());
        String id = r.id();
        assertTrue(id.startsWith("aus_"), id);
        assertEquals(server.baseUrl() + "/oauth2/" + id, r.body().path("issuer").asText());
        assertEquals(server.baseUrl() + "/.well-known/oauth-authorization-server/oauth2/" + id,
                r.body().path("metadata_url").asText());
        assertEquals(600, r.body().path("access_token_ttl_seconds").asInt());
        assertEquals("ACTIVE", r.body().path("status").asText());
        assertEquals("tickets and MCP tools", r.body().path("description").asText());
        assertEquals(0, r.body().path("resources").size());
        assertEquals(0, r.body().path("trusted_issuers").size());
        assertEquals("\"1\"", r.header("ETag"));
        assertEquals(r.body(), api.get(BASE + "/" + id).body());
        assertEquals(List.of("authorization_server.created"), serverEvents(id));
        assertEquals(r.body().path("issuer").asText(),
                fx.auditEvents(id).stream().filter(e -> e.path("type").asText().equals("authorization_server.created"))
                        .findFirst().orElseThrow().path("details").path("issuer").asText());

        Api.Resp ttl = api.post(BASE, Api.map("name", Fixtures.unique("as"), "access_token_ttl_seconds", 60));
        assertEquals(201, ttl.status(), ttl.toString());
        assertEquals(60, ttl.body().path("access_token_ttl_seconds").asInt());
    }

    @Test
    void badInputAndDuplicateNamesAreRefusedAndWriteNothing() {
        String name = Fixtures.unique("Billing");
        assertEquals(201, api.post(BASE, Api.map("name", name)).status());
        long before = server.count("authorization_servers");
        // a new server's first signing key is made asynchronously (and audited); only this API's own events count here
        long events = server.count("audit_events", "type LIKE 'authorization\\_server.%'");
        Api.Resp dup = api.post(BASE, Api.map("name", name.toUpperCase()));
        assertEquals(409, dup.status(), dup.toString());
        assertEquals("E0000411", dup.errorCode());
        for (Map<String, Object> bad : List.of(Api.map("name", Fixtures.unique("a"), "access_token_ttl_seconds", 59),
                Api.map("name", Fixtures.unique("a"), "access_token_ttl_seconds", 3601),
                Api.map("name", Fixtures.unique("a"), "access_token_ttl_seconds", "600"),
                Api.map("name", Fixtures.unique("a"), "access_token_ttl_seconds", 600.5),
                Api.map("name", ""), Api.map(), Api.map("name", 7),
                Api.map("name", Fixtures.unique("a"), "issuer", "https://evil.example.com"),
                Api.map("name", Fixtures.unique("a"), "status", "INACTIVE"))) {
            Api.Resp r = api.post(BASE, bad);
            assertEquals(400, r.status(), bad + " -> " + r);
            assertTrue(r.body().has("errorSummary") && r.body().has("errorId"), r.raw());
        }
        assertEquals(400, api.post(BASE, "{").status());
        assertEquals(415, api.send("POST", BASE, "name=x", Map.of("Content-Type", "application/x-www-form-urlencoded")).status());
        assertEquals(before, server.count("authorization_servers"));
        assertEquals(events, server.count("audit_events", "type LIKE 'authorization\\_server.%'"));
        assertEquals(404, api.get(BASE + "/aus_00000000000000000000").status());
        assertEquals(404, api.get(BASE + "/app_00000000000000000000").status());
    }

    @Test
    void updatesNeedTheVersionAndKeepTheIssuer() {
        String id = fx.authServer();
        String path = BASE + "/" + id;
        assertEquals(428, api.patch(path, Api.map("description", "x"), null).status());
        assertEquals(412, api.patch(path, Api.map("description", "x"), "\"9\"").status());
        for (Map<String, Object> bad : List.of(Api.map("issuer", "https://x.example.com"), Api.map("status", "ACTIVE"),
                Api.map("access_token_ttl_seconds", 10), Api.map("resources", List.of()), Api.map("nope", 1), Api.map())) {
            assertEquals(400, api.patch(path, bad, "\"1\"").status(), bad.toString());
        }
        Api.Resp ok = api.patch(path, Api.map("description", "new", "access_token_ttl_seconds", 3600), "\"1\"");
        assertEquals(200, ok.status(), ok.toString());
        assertEquals("new", ok.body().path("description").asText());
        assertEquals(3600, ok.body().path("access_token_ttl_seconds").asInt());
        assertEquals(server.baseUrl() + "/oauth2/" + id, ok.body().path("issuer").asText());
        assertEquals("\"2\"", ok.header("ETag"));
        assertEquals(List.of("authorization_server.created", "authorization_server.updated"), serverEvents(id));
    }

    @Test
    void deleteNeedsAnInactiveServerWithoutConnectionsAndTakesItsResourcesAlong() throws Exception {
        String id = fx.authServer();
        String path = BASE + "/" + id;
        String res = fx.resource(id, "tickets.read");
        Api.Resp tis = api.post(path + "/trusted-issuers", Api.map("issuer", "https://idp.example.com",
                "jwks_uri", "https://idp.example.com/jwks"));
        assertEquals(201, tis.status(), tis.toString());
        String agent = fx.agentId("autonomous", fx.user());
        Api.Resp con = fx.connection(agent, id, null, "client_credentials", "ALL_SCOPES", List.of("*"));
        assertEquals(201, con.status(), con.toString());

        Api.Resp active = api.delete(path);
        assertEquals(409, active.status());
        assertEquals("E0000410", active.errorCode());
        assertEquals(409, api.post(path + "/lifecycle/activate", null).status());
        Api.Resp off = api.post(path + "/lifecycle/deactivate", null);
        assertEquals(200, off.status(), off.toString());
        assertEquals("INACTIVE", off.body().path("status").asText());
        assertEquals(409, api.post(path + "/lifecycle/deactivate", null).status());

        Api.Resp used = api.delete(path);
        assertEquals(409, used.status(), used.toString());
        assertTrue(used.summary().contains(con.id()), used.summary());
        assertEquals(200, api.get(path).status());

        assertEquals(204, api.delete("/api/v1/ai-agents/" + agent + "/connections/" + con.id()).status());
        assertEquals(204, api.delete(path).status());
        assertEquals(404, api.get(path).status());
        assertEquals(0, rows("SELECT count(*) FROM resources WHERE server_id = ?", id));
        assertEquals(0, rows("SELECT count(*) FROM trusted_issuers WHERE server_id = ?", id));
        assertEquals(0, rows("SELECT count(*) FROM resources WHERE id = ?", res));
        assertEquals(List.of("authorization_server.created", "authorization_server.deactivated",
                "authorization_server.deleted"), serverEvents(id));
    }

    @Test
    void listsCarryResourcesInlineAndPage() {
        String a = fx.authServer();
        String res = fx.resource(a, "x.read", "x.write");
        fx.authServer();
        fx.authServer();
        Api.Resp first = api.get(BASE + "?limit=2");
        assertEquals(200, first.status());
        assertEquals(2, first.body().size());
        String link = first.header("Link");
        assertNotNull(link);
        boolean found = false;
        String after = null;
        for (int page = 0; page < 100 && !found; page++) {
            Api.Resp r = api.get(BASE + "?limit=200" + (after == null ? "" : "&after=" + after));
            for (var s : r.body()) {
                if (s.path("id").asText().equals(a)) {
                    found = true;
                    assertEquals(res, s.path("resources").get(0).path("id").asText());
                    assertEquals(List.of("x.read", "x.write"), Api.JSON.convertValue(s.path("resources").get(0).path("scopes"), List.class));
                }
            }
            String l = r.header("Link");
            if (l == null) {
                break;
            }
            after = l.substring(l.indexOf("after=") + 6, l.indexOf('>'));
        }
        assertTrue(found);
        assertEquals(400, api.get(BASE + "?status=SOMETIMES").status());
        Api.Resp inactive = api.get(BASE + "?status=INACTIVE&limit=200");
        inactive.body().forEach(s -> assertEquals("INACTIVE", s.path("status").asText()));
    }
}
