package dev.lanyard.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RestartTest {

    @Test
    void dataSurvivesARestartAndMigrationsDoNotRerun() throws Exception {
        Path dir = TestDirs.create("lanyard-restart-");
        String agent;
        String keyId;
        long events;
        try (TestServer first = TestServer.start(dir, TestServer.freePort())) {
            Fixtures fx = new Fixtures(first.admin());
            agent = fx.activeAgent();
            keyId = first.admin().get("/api/v1/ai-agents/" + agent + "/credentials/jwks").body().get(0).path("id").asText();
            events = first.admin().get("/api/v1/audit/verify").body().path("events_checked").asLong();

            // a second server on the same data directory is refused while the first runs
            IllegalStateException refused = assertThrows(IllegalStateException.class,
                    () -> TestServer.start(dir, TestServer.freePort()));
            assertTrue(rootMessage(refused).contains("already in use by another Lanyard server"), rootMessage(refused));
        }
        try (TestServer second = TestServer.start(dir, TestServer.freePort())) {
            Api api = second.admin();
            Api.Resp got = api.get("/api/v1/ai-agents/" + agent);
            assertEquals(200, got.status());
            assertEquals("ACTIVE", got.body().path("status").asText());
            assertEquals(keyId, api.get("/api/v1/ai-agents/" + agent + "/credentials/jwks").body().get(0).path("id").asText());
            Api.Resp verify = api.get("/api/v1/audit/verify");
            assertTrue(verify.body().path("valid").asBoolean());
            // no second bootstrap token, no re-applied migration: the trail holds exactly what it held
            assertEquals(events, verify.body().path("events_checked").asLong());
            assertEquals(1, api.get("/api/v1/admin-tokens").body().size());
            try (var c = second.jdbc(); var rs = c.createStatement().executeQuery(
                    "SELECT count(*), max(version) FROM flyway_schema_history WHERE success")) {
                rs.next();
                assertTrue(rs.getLong(1) >= 4);
            }
        }
    }

    @Test
    void aSecondInstanceOnTheSameDatabaseSeesTheSameDataAndTheLiveStream() throws Exception {
        Path dir = TestDirs.create("lanyard-primary-");
        try (TestServer primary = TestServer.start(dir, TestServer.freePort())) {
            var loc = primary.server().databaseLocation();
            String url = "postgresql://" + loc.user() + "@" + loc.host() + ":" + loc.port() + "/" + loc.database();
            // instances sharing a database share the master key that encrypts the signing keys
            Map<String, String> env = Map.of("LANYARD_DATABASE_URL", url,
                    "LANYARD_MASTER_KEY", Files.readString(dir.resolve("master.key")).trim(),
                    "LANYARD_DATA_DIR", TestDirs.create("lanyard-secondary-").toString(),
                    "LANYARD_HTTP_PORT", Integer.toString(TestServer.freePort()));
            LanyardServer secondary = LanyardServer.start(dev.lanyard.server.config.ServerConfig.from(env))
                    .toCompletionStage().toCompletableFuture().get(60, java.util.concurrent.TimeUnit.SECONDS);
            try (SseClient sse = new SseClient("http://127.0.0.1:" + secondary.port() + "/api/v1/audit/stream",
                    TestServer.ADMIN_TOKEN, Map.of())) {
                assertEquals(200, sse.status());
                String user = new Fixtures(primary.admin()).user();
                SseClient.Frame f = sse.await(x -> user.equals(x.data().path("target").asText()));
                assertEquals("user.created", f.data().path("type").asText());
                Api other = new Api("http://127.0.0.1:" + secondary.port(), TestServer.ADMIN_TOKEN);
                assertEquals(200, other.get("/api/v1/users/" + user).status());

                // the secondary caches agent reads; a change made on the primary reaches it through NOTIFY
                String agent = new Fixtures(primary.admin()).agentId("autonomous", user);
                assertEquals("\"1\"", other.get("/api/v1/ai-agents/" + agent).header("ETag"));
                assertEquals(200, primary.admin().patch("/api/v1/ai-agents/" + agent,
                        Api.map("description", "changed elsewhere"), "\"1\"").status());
                String seen = null;
                for (int i = 0; i < 100 && !"\"2\"".equals(seen); i++) {
                    Thread.sleep(50);
                    seen = other.get("/api/v1/ai-agents/" + agent).header("ETag");
                }
                assertEquals("\"2\"", seen, "the other instance stopped serving the old agent within 5 s");
                assertEquals("changed elsewhere", other.get("/api/v1/ai-agents/" + agent).body().path("description").asText());
            } finally {
                secondary.stop().toCompletionStage().toCompletableFuture().get(60, java.util.concurrent.TimeUnit.SECONDS);
            }
        }
    }

    private static String rootMessage(Throwable t) {
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return String.valueOf(t.getMessage());
    }
}
