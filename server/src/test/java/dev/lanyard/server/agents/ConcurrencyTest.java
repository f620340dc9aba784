package dev.lanyard.server.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanyard.server.Api;
import dev.lanyard.server.Fixtures;
import dev.lanyard.server.TestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Optimistic concurrency: every update states the version it read, and only one of two racing updates wins. */
class ConcurrencyTest {
    private static final int ROUNDS = 10;
    private static final ExecutorService POOL = Executors.newFixedThreadPool(2);
    private final TestServer server = TestServer.shared();
    private final Api api = server.admin();
    private final Fixtures fx = new Fixtures(api);

    @AfterAll
    static void stopPool() {
        POOL.shutdownNow();
    }

    private static String agentPath(String id) {
        return "/api/v1/ai-agents/" + id;
    }

    private static void assertError(Api.Resp r, int status, String code) {
        assertEquals(status, r.status(), r.toString());
        assertEquals(code, r.errorCode(), r.toString());
        assertFalse(r.body().path("errorId").asText("").isEmpty(), r.toString());
    }

    private static int version(Api.Resp r) {
        String etag = r.header("ETag");
        assertTrue(etag != null && etag.matches("\"[0-9]+\""), "ETag " + etag);
        return Integer.parseInt(etag.substring(1, etag.length() - 1));
    }

    @Test
    void updateWithoutIfMatchOrVersionIs428AndChangesNothing() {
        String agent = fx.agentId("autonomous", fx.user());
        Api.Resp before = api.get(agentPath(agent));
        assertError(api.patch(agentPath(agent), Api.map("description", "blind write"), null), 428, "E0000428");
        Api.Resp after = api.get(agentPath(agent));
        assertEquals(before.body(), after.body());
        assertEquals(before.header("ETag"), after.header("ETag"));
        assertEquals(List.of("agent.created"), fx.auditTypes(agent));
    }

    @Test
    void staleIfMatchIs412NamingTheCurrentVersion() {
        String agent = fx.agentId("autonomous", fx.user());
        Api.Resp first = api.patch(agentPath(agent), Api.map("description", "v2"), "\"1\"");
        assertEquals(200, first.status(), first.toString());
        assertEquals("\"2\"", first.header("ETag"));
        assertEquals(200, api.patch(agentPath(agent), Api.map("description", "v3"), "\"2\"").status());

        Api.Resp stale = api.patch(agentPath(agent), Api.map("description", "lost"), "\"1\"");
        assertError(stale, 412, "E0000412");
        assertTrue(stale.summary().contains("version 3"), stale.summary());
        Api.Resp now = api.get(agentPath(agent));
        assertEquals("v3", now.body().path("description").asText());
        assertEquals("\"3\"", now.header("ETag"));
        // an ETag from the future doesn't match either
        assertError(api.patch(agentPath(agent), Api.map("description", "lost"), "\"4\""), 412, "E0000412");
        // nor does one this server never issued
        assertError(api.patch(agentPath(agent), Api.map("description", "lost"), "\"abc\""), 412, "E0000412");
        assertEquals("v3", api.get(agentPath(agent)).body().path("description").asText());
        assertEquals(List.of("agent.created", "agent.updated", "agent.updated"), fx.auditTypes(agent));
    }

    @Test
    void weakEtagIsAccepted() {
        String agent = fx.agentId("autonomous", fx.user());
        Api.Resp r = api.patch(agentPath(agent), Api.map("description", "weak"), "W/\"1\"");
        assertEquals(200, r.status(), r.toString());
        assertEquals("\"2\"", r.header("ETag"));
    }

    @Test
    void versionFieldInTheBodyWorksInsteadOfIfMatch() {
        String agent = fx.agentId("autonomous", fx.user());
        Api.Resp ok = api.patch(agentPath(agent), Api.map("description", "by field", "version", 1), null);
        assertEquals(200, ok.status(), ok.toString());
        assertEquals("by field", ok.body().path("description").asText());
        assertEquals(2, ok.body().path("version").asInt());

        Api.Resp stale = api.patch(agentPath(agent), Api.map("description", "stale", "version", 1), null);
        assertError(stale, 412, "E0000412");
        assertTrue(stale.summary().contains("version 2"), stale.summary());

        // If-Match and version must agree when both are given
        Api.Resp disagree = api.patch(agentPath(agent), Api.map("description", "x", "version", 1), "\"2\"");
        assertError(disagree, 400, "E0000001");
        Api.Resp agree = api.patch(agentPath(agent), Api.map("description", "both", "version", 2), "\"2\"");
        assertEquals(200, agree.status(), agree.toString());

        // a version alone is not an update
        assertError(api.patch(agentPath(agent), Api.map("version", 3), null), 400, "E0000001");
        assertEquals("both", api.get(agentPath(agent)).body().path("description").asText());
    }

    @Test
    void etagIncreasesWithEveryChangeIncludingLifecycle() {
        String owner = fx.user();
        String agent = fx.agentId("autonomous", owner);
        Api.Resp r = api.get(agentPath(agent));
        int v = version(r);
        assertEquals(1, v);
        assertEquals(v, r.body().path("version").asInt());

        Api.Resp u = api.patch(agentPath(agent), Api.map("risk_level", "medium"), r.header("ETag"));
        assertEquals(v + 1, version(u));
        assertEquals(v + 1, u.body().path("version").asInt());

        fx.addKey(agent);
        Api.Resp act = api.post(agentPath(agent) + "/lifecycle/activate", null);
        assertEquals(200, act.status(), act.toString());
        assertEquals(v + 2, version(act));
        // the ETag read before activation is now stale: the update can't undo what it didn't see
        assertError(api.patch(agentPath(agent), Api.map("risk_level", "high"), u.header("ETag")), 412, "E0000412");

        Api.Resp deact = api.post(agentPath(agent) + "/lifecycle/deactivate", null);
        assertEquals(v + 3, version(deact));
        assertEquals(v + 3, version(api.get(agentPath(agent))));
        // refused changes don't move the version
        api.post(agentPath(agent) + "/lifecycle/deactivate", null);
        api.patch(agentPath(agent), Api.map("agent_type", "scheduled"), deact.header("ETag"));
        assertEquals(v + 3, version(api.get(agentPath(agent))));
    }

    /** Fires two updates with the same precondition at once; returns both answers. */
    private List<Api.Resp> race(Function<Integer, Api.Resp> update) throws Exception {
        CyclicBarrier start = new CyclicBarrier(2);
        List<Future<Api.Resp>> futures = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            int which = i;
            futures.add(POOL.submit(() -> {
                start.await(30, TimeUnit.SECONDS);
                return update.apply(which);
            }));
        }
        List<Api.Resp> answers = new ArrayList<>();
        for (Future<Api.Resp> f : futures) {
            answers.add(f.get(60, TimeUnit.SECONDS));
        }
        return answers;
    }

    private static Api.Resp winner(List<Api.Resp> answers) {
        List<Integer> statuses = answers.stream().map(Api.Resp::status).sorted().toList();
        assertEquals(List.of(200, 412), statuses, "exactly one update must win: " + answers);
        Api.Resp loser = answers.stream().filter(a -> a.status() == 412).findFirst().orElseThrow();
        assertEquals("E0000412", loser.errorCode(), loser.toString());
        return answers.stream().filter(a -> a.status() == 200).findFirst().orElseThrow();
    }

    @Test
    void racingAgentUpdatesWithTheSameIfMatchHaveExactlyOneWinner() throws Exception {
        String agent = fx.agentId("autonomous", fx.user());
        for (int round = 0; round < ROUNDS; round++) {
            Api.Resp current = api.get(agentPath(agent));
            String etag = current.header("ETag");
            int v = version(current);
            // the two writers change different fields: a lost update would show as both changes applied
            List<Map<String, Object>> bodies = List.of(
                    Api.map("description", "round " + round + " by A"),
                    Api.map("tags", List.of("round-" + round, "by-b")));
            List<Api.Resp> answers = race(i -> api.patch(agentPath(agent), bodies.get(i), etag));
            Api.Resp won = winner(answers);
            int winnerIndex = answers.indexOf(won);
            assertEquals(v + 1, version(won));

            JsonNode now = api.get(agentPath(agent)).body();
            assertEquals(v + 1, now.path("version").asInt());
            if (winnerIndex == 0) {
                assertEquals("round " + round + " by A", now.path("description").asText());
                assertEquals(current.body().path("tags"), now.path("tags"), "B's change was applied although it lost");
            } else {
                assertEquals(Api.JSON.valueToTree(List.of("round-" + round, "by-b")), now.path("tags"));
                assertEquals(current.body().path("description"), now.path("description"),
                        "A's change was applied although it lost");
            }
        }
        List<String> types = fx.auditTypes(agent);
        assertEquals(1 + ROUNDS, types.size(), types.toString());
        assertEquals(ROUNDS, types.stream().filter("agent.updated"::equals).count());
    }

    @Test
    void racingAgentUpdatesWithTheSameVersionFieldHaveExactlyOneWinner() throws Exception {
        String agent = fx.agentId("scheduled", fx.user());
        for (int round = 0; round < ROUNDS; round++) {
            int v = version(api.get(agentPath(agent)));
            String[] descriptions = {"A" + round, "B" + round};
            List<Api.Resp> answers = race(i -> api.patch(agentPath(agent),
                    Api.map("description", descriptions[i], "version", v), null));
            Api.Resp won = winner(answers);
            JsonNode now = api.get(agentPath(agent)).body();
            assertEquals(won.body().path("description"), now.path("description"));
            assertEquals(v + 1, now.path("version").asInt());
        }
    }

    @Test
    void racingUserUpdatesHaveExactlyOneWinner() throws Exception {
        String user = fx.user();
        for (int round = 0; round < ROUNDS; round++) {
            Api.Resp current = api.get("/api/v1/users/" + user);
            String etag = current.header("ETag");
            List<Map<String, Object>> bodies = List.of(
                    Api.map("display_name", "A " + round),
                    Api.map("email", "b" + round + "@example.com"));
            List<Api.Resp> answers = race(i -> api.patch("/api/v1/users/" + user, bodies.get(i), etag));
            Api.Resp won = winner(answers);
            JsonNode now = api.get("/api/v1/users/" + user).body();
            assertEquals(won.body(), now);
            assertEquals(version(current) + 1, now.path("version").asInt());
            if (answers.indexOf(won) == 0) {
                assertEquals(current.body().path("email"), now.path("email"));
            } else {
                assertEquals(current.body().path("display_name"), now.path("display_name"));
            }
        }
        assertEquals(ROUNDS, fx.auditTypes(user).stream().filter("user.updated"::equals).count());
    }

    @Test
    void racingGroupUpdatesHaveExactlyOneWinner() throws Exception {
        Api.Resp g = api.post("/api/v1/groups", Api.map("name", Fixtures.unique("race")));
        assertEquals(201, g.status(), g.toString());
        for (int round = 0; round < ROUNDS; round++) {
            Api.Resp current = api.get("/api/v1/groups/" + g.id());
            String etag = current.header("ETag");
            String[] descriptions = {"A" + round, "B" + round};
            List<Api.Resp> answers = race(i -> api.patch("/api/v1/groups/" + g.id(),
                    Api.map("description", descriptions[i]), etag));
            Api.Resp won = winner(answers);
            assertEquals(won.body(), api.get("/api/v1/groups/" + g.id()).body());
        }
    }

    // ---- races between different operations: the invariants hold whoever wins ----

    private long activeKeys(String agent) {
        long n = 0;
        for (JsonNode k : api.get(agentPath(agent) + "/credentials/jwks").body()) {
            if (k.path("status").asText().equals("ACTIVE")) {
                n++;
            }
        }
        return n;
    }

    @Test
    void racingDeactivationsOfTheLastTwoKeysLeaveOneActive() throws Exception {
        for (int round = 0; round < ROUNDS / 2; round++) {
            String agent = fx.activeAgent();
            String first = api.get(agentPath(agent) + "/credentials/jwks").body().get(0).path("id").asText();
            String second = fx.addKey(agent);
            String[] keys = {first, second};
            List<Api.Resp> answers = race(i -> api.post(agentPath(agent) + "/credentials/jwks/" + keys[i]
                    + "/lifecycle/deactivate", null));
            List<Integer> statuses = answers.stream().map(Api.Resp::status).sorted().toList();
            assertEquals(List.of(200, 409), statuses, answers.toString());
            assertEquals(1, activeKeys(agent));
            assertEquals("ACTIVE", api.get(agentPath(agent)).body().path("status").asText());
        }
    }

    @Test
    void racingActivationAndKeyDeactivationNeverLeaveAnActiveAgentWithoutAKey() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            String agent = fx.agentId("autonomous", fx.user());
            String key = fx.addKey(agent);
            List<Api.Resp> answers = race(i -> i == 0
                    ? api.post(agentPath(agent) + "/lifecycle/activate", null)
                    : api.post(agentPath(agent) + "/credentials/jwks/" + key + "/lifecycle/deactivate", null));
            for (Api.Resp a : answers) {
                assertTrue(a.status() == 200 || a.status() == 409, a.toString());
            }
            String status = api.get(agentPath(agent)).body().path("status").asText();
            long active = activeKeys(agent);
            assertFalse(status.equals("ACTIVE") && active == 0, "ACTIVE agent without an active key: " + answers);
            // exactly one of the two happened
            assertEquals(1, answers.stream().filter(a -> a.status() == 200).count(), answers.toString());
        }
    }

    @Test
    void racingCreationsOfTheSameLoginHaveOneWinnerAndNo500() throws Exception {
        for (int round = 0; round < 3; round++) {
            String login = Fixtures.unique("same");
            List<Api.Resp> answers = race(i -> api.post("/api/v1/users", Api.map("login", i == 0 ? login : login.toUpperCase(),
                    "email", login + "@example.com", "display_name", "Racer " + i)));
            List<Integer> statuses = answers.stream().map(Api.Resp::status).sorted().toList();
            assertEquals(List.of(201, 409), statuses, answers.toString());
            assertEquals("E0000411", answers.stream().filter(a -> a.status() == 409).findFirst().orElseThrow().errorCode());
            assertEquals(1, api.get("/api/v1/users?q=" + login).body().size());
        }
    }

    @Test
    void racingCreationsOfTheSameAgentNameHaveOneWinner() throws Exception {
        String owner = fx.user();
        for (int round = 0; round < ROUNDS; round++) {
            String name = Fixtures.unique("twin");
            List<Api.Resp> answers = race(i -> api.post("/api/v1/ai-agents", Api.map("name", name, "agent_type",
                    "autonomous", "owners", List.of(owner), "risk_level", "low")));
            List<Integer> statuses = answers.stream().map(Api.Resp::status).sorted().toList();
            assertEquals(List.of(201, 409), statuses, answers.toString());
            assertEquals(1, api.get("/api/v1/ai-agents?q=" + name).body().size());
        }
    }

    @Test
    void racingAdditionsOfTheSameKidHaveOneWinner() throws Exception {
        String agent = fx.agentId("autonomous", fx.user());
        for (int round = 0; round < ROUNDS; round++) {
            String kid = "kid-" + round;
            List<Api.Resp> answers = race(i -> {
                Map<String, Object> jwk = new java.util.LinkedHashMap<>(Fixtures.ecKey().toPublicJWK().toJSONObject());
                jwk.put("kid", kid);
                return api.post(agentPath(agent) + "/credentials/jwks", jwk);
            });
            List<Integer> statuses = answers.stream().map(Api.Resp::status).sorted().toList();
            assertEquals(List.of(201, 409), statuses, answers.toString());
        }
        assertEquals(ROUNDS, api.get(agentPath(agent) + "/credentials/jwks").body().size());
    }

    @Test
    void racingAdditionsOfTheSameMemberAreBothFineAndAuditedOnce() throws Exception {
        for (int round = 0; round < 3; round++) {
            Api.Resp g = api.post("/api/v1/groups", Api.map("name", Fixtures.unique("club")));
            assertEquals(201, g.status(), g.toString());
            String user = fx.user();
            List<Api.Resp> answers = race(i -> api.put("/api/v1/groups/" + g.id() + "/users/" + user));
            assertEquals(List.of(204, 204), answers.stream().map(Api.Resp::status).toList(), answers.toString());
            assertEquals(1, api.get("/api/v1/groups/" + g.id() + "/users").body().size());
            assertEquals(List.of("group.created", "group.member_added"), fx.auditTypes(g.id()));
        }
    }

    @Test
    void racingDeletesOfTheSameKeyHaveOneWinner() throws Exception {
        for (int round = 0; round < 3; round++) {
            String agent = fx.agentId("autonomous", fx.user());
            String key = fx.addKey(agent);
            assertEquals(200, api.post(agentPath(agent) + "/credentials/jwks/" + key + "/lifecycle/deactivate", null).status());
            List<Api.Resp> answers = race(i -> api.delete(agentPath(agent) + "/credentials/jwks/" + key));
            List<Integer> statuses = answers.stream().map(Api.Resp::status).sorted().toList();
            assertEquals(List.of(204, 404), statuses, answers.toString());
            assertEquals(1, fx.auditTypes(agent).stream().filter("agent.credential.deleted"::equals).count());
        }
    }
}
