package dev.lanyard.mcp.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import dev.lanyard.mcp.jsonrpc.ResponseOutcome;
import dev.lanyard.mcp.support.IngestServer;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The emitter against the ingest contract over real HTTP: outages, restarts and a refused record lose nothing. */
public class AuditEmitterTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    @TempDir
    Path dir;
    private IngestServer ingest;

    @BeforeEach
    void setUp() throws Exception {
        ingest = new IngestServer();
    }

    @AfterEach
    void tearDown() {
        ingest.close();
    }

    private AuditEmitter emitter(String token) {
        AuditEmitter.Settings s = new AuditEmitter.Settings(3, 1000, Duration.ofMillis(20), Duration.ofMillis(200), Duration.ofMillis(20));
        return new AuditEmitter(AuditSpool.open(dir.resolve("spool")), dir.resolve("rejected.jsonl"),
                new HttpAuditSink(HttpClient.newHttpClient(), ingest.base(), token, Duration.ofSeconds(5)), s).start();
    }

    public static ToolCallAuditRecord record(int n) {
        return new ToolCallAuditRecord(UUID.randomUUID().toString(), "2026-11-23T10:00:00Z", "https://tools.example.test/mcp",
                "tools/call", "read_ticket", IntNode.valueOf(n), "00", null, "agt_1",
                new ToolCallAuditRecord.DecisionFacts(true, List.of(), "d" + n, "r1"),
                new ToolCallAuditRecord.Outcome(ResponseOutcome.OK, null, 200), null, 1.5, null, "2025-11-25", null, null);
    }

    private List<Integer> storedOrder() {
        List<Integer> out = new ArrayList<>();
        for (JsonNode r : ingest.stored()) {
            out.add(r.path("jsonrpc_id").asInt());
        }
        return out;
    }

    private static List<Integer> range(int from, int to) {
        List<Integer> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add(i);
        }
        return out;
    }

    @Test
    void recordsAreDeliveredInOrderInBatches() throws Exception {
        try (AuditEmitter e = emitter(IngestServer.TOKEN)) {
            for (int i = 0; i < 10; i++) {
                assertTrue(e.emit(record(i)));
            }
            assertTrue(e.awaitDelivered(WAIT));
            assertEquals(10, e.delivered());
        }
        assertEquals(range(0, 10), storedOrder());
        assertTrue(ingest.posts.get() >= 4, "batches of at most 3");
        JsonNode first = ingest.stored().get(0);
        assertEquals("read_ticket", first.path("tool").asText());
        assertTrue(first.has("denial") && first.get("denial").isNull(), "fields are present even when null");
        assertEquals("ok", first.path("outcome").path("class").asText());
    }

    @Test
    void anOutageSpoolsRecordsAndTheyAreDeliveredAfterwardsInOrder() throws Exception {
        try (AuditEmitter e = emitter(IngestServer.TOKEN)) {
            ingest.up(false);
            for (int i = 0; i < 7; i++) {
                e.emit(record(i));
            }
            // the emitter keeps trying; the records wait in the spool
            long deadline = System.nanoTime() + WAIT.toNanos();
            while ((e.failedAttempts() < 2 || e.spooled() < 7) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(7, e.spooled());
            assertTrue(ingest.stored().isEmpty());
            ingest.up(true);
            assertTrue(e.awaitDelivered(WAIT));
        }
        assertEquals(range(0, 7), storedOrder());
    }

    @Test
    void aRestartedEmitterSendsWhatThePreviousOneCouldNot() throws Exception {
        try (AuditEmitter e = emitter("not-the-adapter-token")) {
            for (int i = 0; i < 5; i++) {
                e.emit(record(i));
            }
            long deadline = System.nanoTime() + WAIT.toNanos();
            while ((e.spooled() < 5 || e.failedAttempts() < 1) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        }
        assertTrue(ingest.stored().isEmpty(), "401: nothing stored, nothing dropped");
        try (AuditEmitter e = emitter(IngestServer.TOKEN)) {
            e.emit(record(5));
            assertTrue(e.awaitDelivered(WAIT));
        }
        assertEquals(range(0, 6), storedOrder());
        // resending what the server already has is harmless (ids make duplicates)
        var sink = new HttpAuditSink(HttpClient.newHttpClient(), ingest.base(), IngestServer.TOKEN, Duration.ofSeconds(5));
        AuditSink.Answer again = sink.deliver(ingest.stored().stream().map(n -> n.toString().getBytes()).toList());
        assertEquals(AuditSink.Result.DELIVERED, again.result());
        assertEquals(6, again.duplicates());
        assertEquals(6, ingest.stored().size());
    }

    @Test
    void aRecordTheServerRefusesIsSetAsideAndTheOthersStillArrive() throws Exception {
        ToolCallAuditRecord bad = record(2);
        ingest.refuse(bad.id());
        try (AuditEmitter e = emitter(IngestServer.TOKEN)) {
            e.emit(record(0));
            e.emit(record(1));
            e.emit(bad);
            e.emit(record(3));
            e.emit(record(4));
            assertTrue(e.awaitDelivered(WAIT));
            assertEquals(1, e.rejected());
        }
        assertEquals(List.of(0, 1, 3, 4), storedOrder());
        assertTrue(Files.readString(dir.resolve("rejected.jsonl")).contains(bad.id()));
    }
}
