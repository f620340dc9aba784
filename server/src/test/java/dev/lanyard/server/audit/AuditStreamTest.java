package dev.lanyard.server.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanyard.server.Fixtures;
import dev.lanyard.server.SseClient;
import dev.lanyard.server.TestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuditStreamTest {
    private final TestServer server = TestServer.shared();
    private final Fixtures fx = new Fixtures(server.admin());

    @Test
    void newEventsArePushedInOrder() throws Exception {
        try (SseClient sse = new SseClient(server.baseUrl() + "/api/v1/audit/stream", TestServer.ADMIN_TOKEN, Map.of())) {
            assertEquals(200, sse.status());
            String agent = fx.activeAgent();
            SseClient.Frame created = sse.await(f -> agent.equals(f.data().path("target").asText()));
            assertEquals("agent.created", created.data().path("type").asText());
            assertEquals("audit", created.event());
            assertEquals(created.data().path("seq").asText(), created.id());
            SseClient.Frame key = sse.await(f -> agent.equals(f.data().path("target").asText()));
            assertEquals("agent.credential.added", key.data().path("type").asText());
            SseClient.Frame activated = sse.await(f -> agent.equals(f.data().path("target").asText()));
            assertEquals("agent.activated", activated.data().path("type").asText());
            assertTrue(Long.parseLong(activated.id()) > Long.parseLong(key.id()));
        }
    }

    @Test
    void resumingWithLastEventIdDeliversWhatWasMissed() throws Exception {
        String before = fx.user();
        long resumeAfter = server.admin().get("/api/v1/audit/events?target=" + before).body().get(0).path("seq").asLong();
        // made while no one was listening
        List<String> missed = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            missed.add(fx.user());
        }
        try (SseClient sse = new SseClient(server.baseUrl() + "/api/v1/audit/stream", TestServer.ADMIN_TOKEN,
                Map.of("Last-Event-ID", Long.toString(resumeAfter)))) {
            long previous = resumeAfter;
            for (String user : missed) {
                SseClient.Frame f = sse.await(x -> user.equals(x.data().path("target").asText()));
                assertEquals("user.created", f.data().path("type").asText());
                assertTrue(Long.parseLong(f.id()) > previous, "events arrive in sequence order");
                previous = Long.parseLong(f.id());
            }
        }
    }

    @Test
    void filteredStreamAndAuth() throws Exception {
        try (SseClient anonymous = new SseClient(server.baseUrl() + "/api/v1/audit/stream", null, Map.of())) {
            assertEquals(401, anonymous.status());
        }
        try (SseClient sse = new SseClient(server.baseUrl() + "/api/v1/audit/stream?type=agent.activated",
                TestServer.ADMIN_TOKEN, Map.of())) {
            assertEquals(200, sse.status());
            String agent = fx.activeAgent();
            SseClient.Frame f = sse.next();
            assertEquals("agent.activated", f.data().path("type").asText());
            assertEquals(agent, f.data().path("target").asText());
        }
    }

    /**
     * A cursor past the end of the trail can only come from another database (a new or restored one); resuming from it
     * would skip everything up to it, so it is refused, on the audit stream and on the revocation feed.
     */
    @Test
    void aCursorBeyondTheEndOfTheTrailIsRefused() throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        for (String path : List.of("/api/v1/audit/stream", "/api/v1/revocations/stream")) {
            for (boolean header : new boolean[] {true, false}) {
                var b = java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.baseUrl() + path
                                + (header ? "" : "?after=9000000000")))
                        .header("Authorization", "Bearer " + TestServer.ADMIN_TOKEN);
                if (header) {
                    b.header("Last-Event-ID", "9000000000");
                }
                var r = http.send(b.GET().build(), java.net.http.HttpResponse.BodyHandlers.ofString());
                assertEquals(409, r.statusCode(), path + " " + r.body());
                assertTrue(r.body().contains("\"E0000409\""), r.body());
                assertTrue(r.body().contains("beyond the end of this audit trail"), r.body());
            }
        }
        // a cursor within the trail is still a valid place to resume from
        long first = server.admin().get("/api/v1/audit/events?limit=1").body().get(0).path("seq").asLong();
        try (SseClient sse = new SseClient(server.baseUrl() + "/api/v1/audit/stream", TestServer.ADMIN_TOKEN,
                Map.of("Last-Event-ID", Long.toString(first)))) {
            assertEquals(200, sse.status());
        }
    }
}
