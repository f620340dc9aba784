package dev.lanyard.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanyard.server.config.ServerConfig;
import java.nio.file.Files;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HealthTest {

    @Test
    void liveAndReadyOnARunningServer() {
        Api anon = TestServer.shared().anonymous();
        Api.Resp live = anon.get("/health/live");
        assertEquals(200, live.status());
        assertEquals("UP", live.body().path("status").asText());
        assertEquals(200, anon.get("/health/ready").status());
    }

    @Test
    void metricsCountRequestsPerRoute() {
        TestServer server = TestServer.shared();
        String agent = new Fixtures(server.admin()).activeAgent();
        server.admin().get("/api/v1/ai-agents/" + agent);
        Api.Resp metrics = server.anonymous().send("GET", "/metrics", null, Map.of());
        assertEquals(200, metrics.status());
        String text = metrics.raw();
        assertTrue(text.contains("vertx_http_server_requests_total"), "request counter");
        assertTrue(text.contains("route=\"/api/v1/ai-agents/:id\""), "per-route label");
        assertTrue(text.contains("vertx_http_server_response_time_seconds"), "latency histogram");
        assertTrue(!text.contains(agent), "ids never become label values");
    }

    @Test
    void notReadyWhileTheDatabaseIsUnreachable() throws Exception {
        int port = TestServer.freePort();
        Map<String, String> env = Map.of(
                "LANYARD_DATABASE_URL", "postgresql://postgres@127.0.0.1:" + TestServer.freePort() + "/lanyard",
                "LANYARD_DATA_DIR", TestDirs.create("lanyard-nodb-").toString(),
                "LANYARD_HTTP_PORT", Integer.toString(port));
        LanyardServer server = LanyardServer.create(ServerConfig.from(env));
        server.boot();
        try {
            Api anon = new Api("http://127.0.0.1:" + port, TestServer.ADMIN_TOKEN);
            Api.Resp live = null;
            for (int i = 0; i < 50 && (live == null || live.status() != 200); i++) {
                Thread.sleep(100);
                try {
                    live = anon.get("/health/live");
                } catch (IllegalStateException notListeningYet) {
                    live = null;
                }
            }
            assertEquals(200, live.status());
            Api.Resp ready = anon.get("/health/ready");
            assertEquals(503, ready.status());
            assertEquals("DOWN", ready.body().path("status").asText());
            Api.Resp api = anon.get("/api/v1/ai-agents");
            assertEquals(503, api.status());
            assertEquals("E0000503", api.errorCode());
        } finally {
            server.stop().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        }
    }
}
