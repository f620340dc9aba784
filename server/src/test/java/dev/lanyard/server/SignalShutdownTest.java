package dev.lanyard.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanyard.server.audit.AuditLog;
import dev.lanyard.server.store.DatabaseLocation;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code java -jar} stopped by SIGTERM (what systemd, Docker and Kubernetes send) finishes writing what it answered
 * before the embedded database stops. The library that runs PostgreSQL stops it from a JVM shutdown hook of its own,
 * concurrently with ours; the server therefore handles the signal itself. Runs the real {@code Main} in a child JVM.
 */
class SignalShutdownTest {
    private static final Pattern PG_PORT = Pattern.compile("embedded PostgreSQL started on 127\\.0\\.0\\.1:(\\d+)");

    @Test
    void sigtermWritesEveryAnsweredDecisionBeforeTheDatabaseStops() throws Exception {
        Path data = TestDirs.create("lanyard-sigterm-");
        Path output = TestDirs.create("lanyard-sigterm-out-").resolve("server.out");
        int port = TestServer.freePort();
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName());
        pb.environment().putAll(Map.of("LANYARD_DATA_DIR", data.toString(), "LANYARD_HTTP_PORT", Integer.toString(port),
                "LANYARD_ADMIN_TOKEN", TestServer.ADMIN_TOKEN));
        pb.redirectErrorStream(true).redirectOutput(output.toFile());
        Process server = pb.start();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        String base = "http://127.0.0.1:" + port;
        List<String> answered = new ArrayList<>();
        try {
            Eventually.until(() -> ready(http, base), ok -> ok || !server.isAlive(), "the server to be ready");
            assertTrue(server.isAlive(), "server exited at start; see " + output);
            Matcher m = PG_PORT.matcher(Files.readString(output));
            assertTrue(m.find(), "the server logs where its database listens");
            var db = new DatabaseLocation("127.0.0.1", Integer.parseInt(m.group(1)), "postgres", "postgres", "");

            // while the chain is held, every decision's record waits in the decision log's buffer
            Connection chain = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
            try {
                chain.setAutoCommit(false);
                chain.createStatement().executeQuery(AuditLog.LOCK_CHAIN).close();
                String body = "{\"input\":{\"tool\":{\"name\":\"read_ticket\"}}}";
                for (int i = 0; i < 50; i++) {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/data/lanyard/mcp/decision"))
                            .header("Authorization", "Bearer " + TestServer.ADMIN_TOKEN)
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                    assertEquals(200, r.statusCode(), r.body());
                    answered.add(Api.JSON.readTree(r.body()).path("decision_id").asText());
                }
                server.destroy(); // SIGTERM
                assertFalse(server.waitFor(2, TimeUnit.SECONDS), "the server exited with decisions still unwritten");
                // and the database is still up for it (our connection to it still works)
                chain.createStatement().executeQuery("SELECT 1").close();
                chain.rollback();
            } finally {
                chain.close();
            }
            assertTrue(server.waitFor(60, TimeUnit.SECONDS), "the server stopped once its decisions were written");
            assertEquals(143, server.exitValue(), "the conventional status for SIGTERM");
        } finally {
            server.destroyForcibly();
            server.waitFor(30, TimeUnit.SECONDS);
        }
        try (TestServer again = TestServer.start(data, TestServer.freePort())) {
            for (String id : answered) {
                assertEquals(1, again.count("audit_events", "type = 'policy.decision' AND target = '" + id + "'"), id);
            }
        }
    }

    private static boolean ready(HttpClient http, String base) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(base + "/health/ready")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (java.io.IOException e) {
            return false; // not listening yet
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
