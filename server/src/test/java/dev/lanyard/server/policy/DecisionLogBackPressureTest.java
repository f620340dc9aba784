package dev.lanyard.server.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanyard.server.Api;
import dev.lanyard.server.Eventually;
import dev.lanyard.server.TestDirs;
import dev.lanyard.server.TestServer;
import dev.lanyard.server.audit.AuditLog;
import dev.lanyard.server.config.ConfigException;
import dev.lanyard.server.config.ServerConfig;
import dev.lanyard.server.oauth.OAuthFixtures;
import dev.lanyard.server.store.Database;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The decision log never drops a decision: when the database falls behind, callers first wait for their record, then
 * are refused (503, nothing decided) until it catches up. The database is held behind by a transaction that holds the
 * audit chain's lock, which every append must take.
 */
class DecisionLogBackPressureTest {
    private static final String MCP = "/v1/data/lanyard/mcp/decision";
    /** Backlog limit 100: the first 25 unwritten decisions are answered at once, the next 75 wait, then 503. */
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(TestDirs.create("lanyard-backpressure-"), TestServer.freePort(),
                Map.of("LANYARD_DECISION_LOG_BACKLOG", "100"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** Holds the audit chain's lock until closed: every audit append, decision batches included, waits for it. */
    private static Connection holdChain() throws Exception {
        Connection c = server.jdbc();
        c.setAutoCommit(false);
        c.createStatement().executeQuery(AuditLog.LOCK_CHAIN).close();
        return c;
    }

    private static HttpRequest decision() {
        String body = Api.JSON.valueToTree(Map.of("input", DataApiTest.mcpInput("read_ticket", "tickets:read")))
                .toString();
        return HttpRequest.newBuilder(URI.create(server.baseUrl() + MCP))
                .header("Authorization", "Bearer " + TestServer.ADMIN_TOKEN)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    /** HTTP/1.1, one connection per request in flight: over HTTP/2 the server caps streams per connection at 100. */
    private static HttpClient client() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    /** The decision log's backlog, as {@code /metrics} shows it. */
    private static int pending(HttpClient http) {
        try {
            String metrics = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^lanyard_decision_log_pending (\\S+)$")
                    .matcher(metrics);
            if (!m.find()) {
                throw new AssertionError("no backlog gauge on /metrics");
            }
            return (int) Double.parseDouble(m.group(1));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Lets records of earlier requests (a token's decision, say) reach the database before the chain is held. */
    private static void caughtUp(HttpClient http) {
        Eventually.until(() -> pending(http), n -> n == 0, "the decision log to catch up");
    }

    private static long decisionsStored() {
        return server.count("audit_events", "type = 'policy.decision'");
    }

    @Test
    void aDatabaseThatFallsBehindSlowsThenRefusesDecisionsAndLosesNone() throws Exception {
        HttpClient http = client();
        caughtUp(http);
        long before = decisionsStored();
        Set<String> answered = new HashSet<>();
        List<CompletableFuture<HttpResponse<String>>> waiting = new ArrayList<>();
        Connection chain = holdChain();
        try {
            for (int i = 0; i < 25; i++) {
                HttpResponse<String> r = http.send(decision(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, r.statusCode(), r.body());
                answered.add(Api.JSON.readTree(r.body()).path("decision_id").asText());
            }
            for (int i = 0; i < 75; i++) {
                waiting.add(http.sendAsync(decision(), HttpResponse.BodyHandlers.ofString()));
            }
            // past the high-water mark a decision is answered only once written, which the held lock prevents
            Thread.sleep(1_000);
            assertTrue(waiting.stream().noneMatch(CompletableFuture::isDone), "answered before its record was written");

            // at the limit nothing more is decided: OPA's error form, a 503 and when to retry
            HttpResponse<String> refused = http.send(decision(), HttpResponse.BodyHandlers.ofString());
            assertEquals(503, refused.statusCode(), refused.body());
            assertEquals("1", refused.headers().firstValue("Retry-After").orElse(null));
            assertEquals("internal_error", Api.JSON.readTree(refused.body()).path("code").asText(), refused.body());
            assertFalse(refused.body().contains("decision_id"), refused.body());
            assertEquals(100, pending(http), "backlog gauge on /metrics");
            assertEquals(before, decisionsStored(), "nothing can be written while the chain is held");
        } finally {
            chain.rollback();
            chain.close();
        }
        for (CompletableFuture<HttpResponse<String>> w : waiting) {
            HttpResponse<String> r = w.get(30, TimeUnit.SECONDS);
            assertEquals(200, r.statusCode(), r.body());
            answered.add(Api.JSON.readTree(r.body()).path("decision_id").asText());
        }
        assertEquals(100, answered.size());
        // every answered decision is in the trail, and the refused one is not
        assertEquals(before + 100, decisionsStored());
        for (String id : answered) {
            assertEquals(1, server.count("audit_events", "type = 'policy.decision' AND target = '" + id + "'"), id);
        }
        HttpResponse<String> again = http.send(decision(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, again.statusCode(), "decisions resume once the log has caught up: " + again.body());
    }

    @Test
    void aTokenGrantIsRefusedAsTemporarilyUnavailableWhileTheLogIsFull() throws Exception {
        OAuthFixtures oauth = new OAuthFixtures(server);
        OAuthFixtures.AgentWithKey agent = oauth.activeAgent("autonomous", null);
        OAuthFixtures.Target target = oauth.serverWithResource(agent.id(), "client_credentials", "INCLUDE_ONLY",
                List.of("tickets.read"));
        assertEquals(200, oauth.clientCredentials(agent, target, "tickets.read").status());

        HttpClient http = client();
        List<CompletableFuture<HttpResponse<String>>> waiting = new ArrayList<>();
        CompletableFuture<Api.Resp> token;
        caughtUp(http);
        Connection chain = holdChain();
        try {
            for (int i = 0; i < 100; i++) {
                waiting.add(http.sendAsync(decision(), HttpResponse.BodyHandlers.ofString()));
            }
            Eventually.until(() -> pending(http), n -> n == 100, "the log to fill up");
            // the refusal is itself audited, which waits for the chain: the answer comes once it is released
            token = CompletableFuture.supplyAsync(() -> oauth.clientCredentials(agent, target, "tickets.read"));
            Thread.sleep(500);
        } finally {
            chain.rollback();
            chain.close();
        }
        Api.Resp refused = token.get(30, TimeUnit.SECONDS);
        assertEquals(503, refused.status(), refused.toString());
        assertEquals("temporarily_unavailable", refused.body().path("error").asText(), refused.toString());
        assertEquals("1", refused.header("Retry-After"), refused.toString());
        for (CompletableFuture<HttpResponse<String>> w : waiting) {
            assertEquals(200, w.get(30, TimeUnit.SECONDS).statusCode());
        }
        assertEquals(200, oauth.clientCredentials(agent, target, "tickets.read").status(), "issues again once caught up");
    }

    @Test
    void aCallerGivesUpAfterTheWaitLimitButItsDecisionIsStillWritten() throws Exception {
        Vertx vertx = Vertx.vertx();
        Database db = Database.unattached(vertx);
        db.attach(server.server().databaseLocation());
        DecisionLog log = new DecisionLog(vertx, db, new AuditLog(), 4, 300);
        try {
            caughtUp(client());
            long before = decisionsStored();
            Connection chain = holdChain();
            Future<Void> first;
            Future<Void> second;
            try {
                first = log.record(entry("dec_backpressureFirst0001"));
                second = log.record(entry("dec_backpressureSecond001"));
                assertTrue(first.succeeded(), "below the high-water mark a decision is answered at once");
                Throwable gaveUp = second.toCompletionStage().toCompletableFuture()
                        .handle((v, e) -> e).get(10, TimeUnit.SECONDS);
                assertInstanceOf(DecisionLog.Behind.class, gaveUp);
            } finally {
                chain.rollback();
                chain.close();
            }
            log.flush().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            assertEquals(before + 2, decisionsStored(), "the record of a caller that gave up is still written");
            assertEquals(0, log.pending());
        } finally {
            log.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            db.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void theBacklogSettingIsCheckedAtStart() {
        assertEquals(40_000, ServerConfig.from(Map.of()).policy().decisionLogBacklog());
        assertEquals(500, ServerConfig.from(Map.of("LANYARD_DECISION_LOG_BACKLOG", " 500 ")).policy().decisionLogBacklog());
        for (String bad : List.of("0", "99", "1000001", "-5", "lots", "1e5")) {
            ConfigException e = assertThrows(ConfigException.class,
                    () -> ServerConfig.from(Map.of("LANYARD_DECISION_LOG_BACKLOG", bad)), bad);
            assertTrue(e.getMessage().contains("LANYARD_DECISION_LOG_BACKLOG"), e.getMessage());
        }
    }

    private static DecisionLog.Entry entry(String id) {
        return new DecisionLog.Entry(id, "lanyard/mcp/decision", Api.JSON.createObjectNode().put("tool", "x"),
                Api.JSON.createObjectNode().put("allow", true), "test", 1, "admin:test", null, null);
    }
}
