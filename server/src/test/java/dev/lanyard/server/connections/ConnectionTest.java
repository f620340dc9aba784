package dev.lanyard.server.connections;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanyard.server.Api;
import dev.lanyard.server.Fixtures;
import dev.lanyard.server.TestServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConnectionTest {
    private final TestServer server = TestServer.shared();
    private final Api api = server.admin();
    private final Fixtures fx = new Fixtures(api);

    private static String connections(String agent) {
        return "/api/v1/ai-agents/" + agent + "/connections";
    }

    private String agent() {
        return fx.agentId("autonomous", fx.user());
    }

    @Test
    void aConnectionShowsItsServerAndResource() {
        String as = fx.authServer();
        String res = fx.resource(as, "tickets.read", "tickets.write");
        String agent = agent();
        Api.Resp r = fx.connection(agent, as, res, "identity_assertion", "INCLUDE_ONLY", List.of("tickets.read"));
        assertEquals(201, r.status(), r.toString());
        String id = r.id();
        assertTrue(id.startsWith("con_"), id);
        assertEquals(agent, r.body().path("agent_id").asText());
        assertEquals(as, r.body().path("authorization_server").path("id").asText());
        assertEquals(server.baseUrl() + "/oauth2/" + as, r.body().path("authorization_server").path("issuer").asText());
        assertEquals(api.get("/api/v1/authorization-servers/" + as).body().path("name").asText(),
                r.body().path("authorization_server").path("name").asText());
        assertEquals(res, r.body().path("resource").path("id").asText());
        assertTrue(r.body().path("resource").path("uri").asText().startsWith("https://"));
        assertEquals("identity_assertion", r.body().path("connection_type").asText());
        assertEquals("INCLUDE_ONLY", r.body().path("scope_condition").asText());
        assertEquals(List.of("tickets.read"), Api.JSON.convertValue(r.body().path("scopes"), List.class));
        assertEquals("ACTIVE", r.body().path("status").asText());
        assertEquals("\"1\"", r.header("ETag"));
        assertEquals(r.body(), api.get(connections(agent) + "/" + id).body());

        Api.Resp all = fx.connection(agent, as, null, "client_credentials", "ALL_SCOPES", List.of("*"));
        assertEquals(201, all.status(), all.toString());
        assertTrue(all.body().path("resource").isNull(), all.raw());

        assertEquals(List.of("connection.created"), fx.auditTypes(id));
        var details = fx.auditEvents(id).get(0).path("details");
        assertEquals(agent, details.path("agent_id").asText());
        assertEquals(res, details.path("resource_id").asText());
    }

    @Test
    void scopeConditionsAndScopesMustAgree() {
        String as = fx.authServer();
        String res = fx.resource(as, "a", "b");
        fx.resource(as, "c");
        String agent = agent();
        long before = server.count("connections");
        record Case(String resource, String condition, List<String> scopes, String says) {}
        for (Case c : List.of(
                new Case(res, "ALL_SCOPES", List.of(), "exactly [\"*\"]"),
                new Case(res, "ALL_SCOPES", List.of("a"), "exactly [\"*\"]"),
                new Case(res, "ALL_SCOPES", List.of("*", "a"), "exactly [\"*\"]"),
                new Case(res, "INCLUDE_ONLY", List.of(), "at least one"),
                new Case(res, "EXCLUDE", List.of(), "at least one"),
                new Case(res, "INCLUDE_ONLY", List.of("*"), "only for ALL_SCOPES"),
                new Case(res, "INCLUDE_ONLY", List.of("c"), "not defined by resource " + res),
                new Case(res, "EXCLUDE", List.of("a", "nope"), "[nope]"),
                new Case(null, "INCLUDE_ONLY", List.of("zzz"), "not defined by any resource"),
                new Case(res, "INCLUDE_ONLY", List.of("a", "a"), "duplicate"),
                new Case(res, "include_only", List.of("a"), "scope_condition"),
                new Case(res, "SOME", List.of("a"), "scope_condition"))) {
            Api.Resp r = fx.connection(agent, as, c.resource(), "client_credentials", c.condition(), c.scopes());
            assertEquals(400, r.status(), c + " -> " + r);
            assertTrue(r.summary().contains(c.says()), c + " -> " + r.summary());
        }
        assertEquals(before, server.count("connections"));
        // a server-wide connection may list any scope some resource of the server defines
        assertEquals(201, fx.connection(agent, as, null, "client_credentials", "INCLUDE_ONLY", List.of("a", "c")).status());
        assertEquals(201, fx.connection(agent, as, res, "client_credentials", "EXCLUDE", List.of("b")).status());
    }

    @Test
    void targetsMustExistAndFit() {
        String as = fx.authServer();
        String otherAs = fx.authServer();
        String foreign = fx.resource(otherAs, "a");
        String agent = agent();
        long before = server.count("connections");
        long events = server.count("audit_events", "type NOT LIKE 'signing\\_key.%'");
        Api.Resp wrongServer = fx.connection(agent, as, foreign, "client_credentials", "ALL_SCOPES", List.of("*"));
        assertEquals(400, wrongServer.status(), wrongServer.toString());
        assertTrue(wrongServer.summary().contains("not a resource of authorization server " + as), wrongServer.summary());
        Api.Resp noServer = fx.connection(agent, "aus_00000000000000000000", null, "client_credentials", "ALL_SCOPES",
                List.of("*"));
        assertEquals(400, noServer.status(), noServer.toString());
        assertEquals(400, fx.connection(agent, as, "res_00000000000000000000", "client_credentials", "ALL_SCOPES",
                List.of("*")).status());
        assertEquals(400, fx.connection(agent, "not-a-server", null, "client_credentials", "ALL_SCOPES", List.of("*")).status());
        assertEquals(400, fx.connection(agent, as, null, "vaulted_secret", "ALL_SCOPES", List.of("*")).status());
        assertEquals(400, fx.connection(agent, as, null, "CLIENT_CREDENTIALS", "ALL_SCOPES", List.of("*")).status());
        assertEquals(404, fx.connection("agt_00000000000000000000", as, null, "client_credentials", "ALL_SCOPES",
                List.of("*")).status());
        assertEquals(404, api.get(connections("agt_00000000000000000000")).status());
        assertEquals(before, server.count("connections"));
        assertEquals(events, server.count("audit_events", "type NOT LIKE 'signing\\_key.%'"));
    }

    @Test
    void badBodiesAreRefusedAndWriteNothing() {
        String as = fx.authServer();
        String agent = agent();
        long before = server.count("connections");
        for (Object bad : List.of(
                Api.map("authorization_server_id", as, "connection_type", "client_credentials", "scope_condition",
                        "ALL_SCOPES", "scopes", List.of("*"), "status", "INACTIVE"),
                Api.map("authorization_server_id", as, "connection_type", "client_credentials", "scope_condition",
                        "ALL_SCOPES", "scopes", "*"),
                Api.map("authorization_server_id", as, "connection_type", "client_credentials", "scope_condition",
                        "ALL_SCOPES"),
                Api.map("authorization_server_id", as, "scope_condition", "ALL_SCOPES", "scopes", List.of("*")),
                Api.map("authorization_server_id", 5, "connection_type", "client_credentials", "scope_condition",
                        "ALL_SCOPES", "scopes", List.of("*")),
                Api.map("connection_type", "client_credentials", "scope_condition", "ALL_SCOPES", "scopes", List.of("*")),
                "{\"authorization_server_id\":\"" + as + "\",\"authorization_server_id\":\"" + as + "\"}",
                "not json", "[]")) {
            Api.Resp r = api.post(connections(agent), bad);
            assertEquals(400, r.status(), bad + " -> " + r);
        }
        assertEquals(before, server.count("connections"));
    }

    @Test
    void oneConnectionPerTarget() {
        String as = fx.authServer();
        String res = fx.resource(as, "a");
        String agent = agent();
        assertEquals(201, fx.connection(agent, as, res, "client_credentials", "ALL_SCOPES", List.of("*")).status());
        assertEquals(201, fx.connection(agent, as, null, "client_credentials", "ALL_SCOPES", List.of("*")).status());
        assertEquals(201, fx.connection(agent, as, res, "identity_assertion", "ALL_SCOPES", List.of("*")).status());
        assertEquals(201, fx.connection(agent(), as, res, "client_credentials", "ALL_SCOPES", List.of("*")).status());
        long before = server.count("connections");
        Api.Resp dup = fx.connection(agent, as, res, "client_credentials", "INCLUDE_ONLY", List.of("a"));
        assertEquals(409, dup.status(), dup.toString());
        assertEquals("E0000411", dup.errorCode());
        Api.Resp dupAll = fx.connection(agent, as, null, "client_credentials", "INCLUDE_ONLY", List.of("a"));
        assertEquals(409, dupAll.status(), dupAll.toString());
        assertEquals(before, server.count("connections"));
    }

    @Test
    void scopesChangeTogetherWithTheirCondition() {
        String as = fx.authServer();
        String res = fx.resource(as, "a", "b");
        String agent = agent();
        String id = fx.connection(agent, as, res, "client_credentials", "ALL_SCOPES", List.of("*")).id();
        String path = connections(agent) + "/" + id;
        assertEquals(428, api.patch(path, Api.map("scope_condition", "INCLUDE_ONLY", "scopes", List.of("a")), null).status());
        assertEquals(412, api.patch(path, Api.map("scope_condition", "INCLUDE_ONLY", "scopes", List.of("a")), "\"5\"").status());
        for (Map<String, Object> bad : List.of(Api.map("scopes", List.of("a")), Api.map("scope_condition", "EXCLUDE"),
                Api.map("status", "INACTIVE"), Api.map("resource_id", null), Api.map("connection_type", "identity_assertion"),
                Api.map("authorization_server_id", as), Api.map("scope_condition", "INCLUDE_ONLY", "scopes", List.of("x")),
                Api.map("scope_condition", "ALL_SCOPES", "scopes", List.of("a")),
                Api.map("scope_condition", "INCLUDE_ONLY", "scopes", "a"), Api.map())) {
            Api.Resp r = api.patch(path, bad, "\"1\"");
            assertEquals(400, r.status(), bad + " -> " + r);
        }
        assertEquals("\"1\"", api.get(path).header("ETag"));
        Api.Resp ok = api.patch(path, Api.map("scope_condition", "EXCLUDE", "scopes", List.of("b")), "\"1\"");
        assertEquals(200, ok.status(), ok.toString());
        assertEquals("EXCLUDE", ok.body().path("scope_condition").asText());
        assertEquals(List.of("b"), Api.JSON.convertValue(ok.body().path("scopes"), List.class));
        assertEquals("\"2\"", ok.header("ETag"));
        assertEquals(res, ok.body().path("resource").path("id").asText());
        assertEquals(List.of("connection.created", "connection.updated"), fx.auditTypes(id));
    }

    @Test
    void lifecycleListAndDelete() {
        String as = fx.authServer();
        String res = fx.resource(as, "a");
        String agent = agent();
        String first = fx.connection(agent, as, res, "client_credentials", "ALL_SCOPES", List.of("*")).id();
        String second = fx.connection(agent, as, null, "client_credentials", "ALL_SCOPES", List.of("*")).id();
        String third = fx.connection(agent, as, null, "identity_assertion", "ALL_SCOPES", List.of("*")).id();
        String path = connections(agent) + "/" + first;

        Api.Resp again = api.post(path + "/lifecycle/activate", null);
        assertEquals(409, again.status());
        assertEquals("E0000410", again.errorCode());
        Api.Resp off = api.post(path + "/lifecycle/deactivate", null);
        assertEquals(200, off.status(), off.toString());
        assertEquals("INACTIVE", off.body().path("status").asText());
        assertEquals(409, api.post(path + "/lifecycle/deactivate", null).status());

        Api.Resp inactive = api.get(connections(agent) + "?status=INACTIVE");
        assertEquals(1, inactive.body().size());
        assertEquals(first, inactive.body().get(0).path("id").asText());
        assertEquals(2, api.get(connections(agent) + "?status=active").body().size());
        assertEquals(400, api.get(connections(agent) + "?status=STAGED").status());
        Api.Resp page = api.get(connections(agent) + "?limit=2");
        assertEquals(2, page.body().size());
        String link = page.header("Link");
        assertNotNull(link);
        Api.Resp rest = api.get(link.substring(link.indexOf('<') + 1, link.indexOf('>')));
        assertEquals(1, rest.body().size());
        assertEquals(third, rest.body().get(0).path("id").asText());
        // another agent's connection is not reachable under this agent
        String otherAgent = agent();
        assertEquals(404, api.get(connections(otherAgent) + "/" + second).status());
        assertEquals(404, api.delete(connections(otherAgent) + "/" + second).status());
        assertEquals(0, api.get(connections(otherAgent)).body().size());

        assertEquals(200, api.post(path + "/lifecycle/activate", null).status());
        assertEquals(204, api.delete(path).status());
        assertEquals(404, api.get(path).status());
        assertEquals(404, api.delete(path).status());
        assertEquals(List.of("connection.created", "connection.deactivated", "connection.activated", "connection.deleted"),
                fx.auditTypes(first));
    }

    @Test
    void scopeConditionsDecideWhichScopesAConnectionAllows() {
        assertTrue(ScopeCondition.ALL_SCOPES.allows(List.of("*"), "anything"));
        assertTrue(ScopeCondition.INCLUDE_ONLY.allows(List.of("a", "b"), "a"));
        assertTrue(!ScopeCondition.INCLUDE_ONLY.allows(List.of("a", "b"), "c"));
        assertTrue(ScopeCondition.EXCLUDE.allows(List.of("a"), "b"));
        assertTrue(!ScopeCondition.EXCLUDE.allows(List.of("a"), "a"));
    }

    @Test
    void deletingAnAgentTakesItsConnectionsAlong() {
        String as = fx.authServer();
        String agent = fx.activeAgent();
        String id = fx.connection(agent, as, null, "client_credentials", "ALL_SCOPES", List.of("*")).id();
        assertEquals(200, api.post("/api/v1/ai-agents/" + agent + "/lifecycle/deactivate", null).status());
        assertEquals(204, api.delete("/api/v1/ai-agents/" + agent).status());
        assertEquals(404, api.get(connections(agent) + "/" + id).status());
        // the server has no connection left, so it can go too
        assertEquals(200, api.post("/api/v1/authorization-servers/" + as + "/lifecycle/deactivate", null).status());
        assertEquals(204, api.delete("/api/v1/authorization-servers/" + as).status());
    }
}
