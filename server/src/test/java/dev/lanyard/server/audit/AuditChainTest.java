package dev.lanyard.server.audit;

import dev.lanyard.server.TestDirs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanyard.server.Api;
import dev.lanyard.server.Fixtures;
import dev.lanyard.server.TestServer;
import java.nio.file.Files;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** Runs on a server of its own, because it damages the chain on purpose (last). */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AuditChainTest {
    private static TestServer server;
    private static Api api;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(TestDirs.create("lanyard-audit-"), TestServer.freePort());
        api = server.admin();
        Fixtures fx = new Fixtures(api);
        for (int i = 0; i < 5; i++) {
            fx.activeAgent();
        }
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void anUntouchedChainVerifies() {
        Api.Resp v = api.get("/api/v1/audit/verify");
        assertEquals(200, v.status());
        assertTrue(v.body().path("valid").asBoolean(), v.toString());
        assertTrue(v.body().path("events_checked").asLong() >= 20);
        assertEquals(v.body().path("events_checked").asLong(), v.body().path("last_seq").asLong());
    }

    @Test
    void eventsLinkToTheirPredecessor() {
        Api.Resp page = api.get("/api/v1/audit/events?limit=10");
        String prev = "0".repeat(64);
        long seq = 0;
        for (var e : page.body()) {
            assertEquals(++seq, e.path("seq").asLong());
            assertEquals(prev, e.path("prev_hash").asText());
            prev = e.path("hash").asText();
        }
    }

    @Test
    void filtersAndCursorPaging() {
        Api.Resp created = api.get("/api/v1/audit/events?type=agent.created&limit=2");
        assertEquals(2, created.body().size());
        created.body().forEach(e -> assertEquals("agent.created", e.path("type").asText()));
        String next = created.header("Link");
        assertTrue(next != null && next.contains("rel=\"next\""));
        long last = created.body().get(1).path("seq").asLong();
        Api.Resp page2 = api.get("/api/v1/audit/events?type=agent.created&limit=2&after=" + last);
        assertTrue(page2.body().get(0).path("seq").asLong() > last);

        assertEquals(0, api.get("/api/v1/audit/events?since=2100-01-01T00:00:00Z").body().size());
        assertTrue(api.get("/api/v1/audit/events?until=2100-01-01T00:00:00Z").body().size() > 0);
        assertEquals(0, api.get("/api/v1/audit/events?actor=nobody").body().size());
        assertTrue(api.get("/api/v1/audit/events?actor=system").body().size() >= 1);
        assertEquals(400, api.get("/api/v1/audit/events?since=yesterday").status());
        assertEquals(400, api.get("/api/v1/audit/events?limit=0").status());
        assertEquals(400, api.get("/api/v1/audit/events?after=-1").status());
        assertEquals(400, api.get("/api/v1/audit/events?colour=red").status());
    }

    @Test
    void detailsNeverHoldSecrets() {
        String login = Fixtures.unique("pw");
        String password = "a very secret password 42";
        api.post("/api/v1/users", Api.map("login", login, "email", login + "@example.com", "display_name", "P",
                "password", password));
        Api.Resp all = api.get("/api/v1/audit/events?type=user.created&limit=1000");
        assertFalse(all.raw().contains(password));
        assertFalse(api.get("/api/v1/audit/events?type=admin_token.created").raw().contains("lya_"));
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void tamperingIsFoundAndTheFirstBrokenLinkNamed() throws Exception {
        try (var c = server.jdbc()) {
            c.createStatement().executeUpdate("UPDATE audit_events SET outcome = 'FAILURE' WHERE seq = 7");
        }
        Api.Resp v = api.get("/api/v1/audit/verify");
        assertFalse(v.body().path("valid").asBoolean());
        assertEquals(7, v.body().path("first_broken_seq").asLong());
        assertTrue(v.body().path("problem").asText().contains("does not match its hash"), v.toString());
        try (var c = server.jdbc()) {
            c.createStatement().executeUpdate("UPDATE audit_events SET outcome = 'SUCCESS' WHERE seq = 7");
            assertTrue(api.get("/api/v1/audit/verify").body().path("valid").asBoolean(), "restoring the row heals it");
            c.createStatement().executeUpdate("DELETE FROM audit_events WHERE seq = 4");
        }
        Api.Resp gap = api.get("/api/v1/audit/verify");
        assertFalse(gap.body().path("valid").asBoolean());
        assertEquals(4, gap.body().path("first_broken_seq").asLong());
        assertTrue(gap.body().path("problem").asText().contains("missing"), gap.toString());
    }
}
