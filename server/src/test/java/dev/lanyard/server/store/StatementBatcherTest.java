package dev.lanyard.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How items become batches: alone when nothing is being written, together while batches are in flight, never more
 * batches at once than allowed, and each item answered with its own result.
 */
class StatementBatcherTest {
    /** A write that completes only when the test says so, recording each batch it was given. */
    private static final class Writes {
        final List<List<Integer>> batches = new ArrayList<>();
        final List<Promise<List<String>>> pending = new ArrayList<>();
        int inFlight;
        int maxSeen;

        Future<List<String>> write(List<Integer> batch) {
            batches.add(List.copyOf(batch));
            inFlight++;
            maxSeen = Math.max(maxSeen, inFlight);
            Promise<List<String>> p = Promise.promise();
            pending.add(p);
            return p.future();
        }

        void completeOldest() {
            Promise<List<String>> p = pending.remove(0);
            List<Integer> batch = batches.get(batches.size() - pending.size() - 1);
            inFlight--;
            p.complete(batch.stream().map(i -> "r" + i).toList());
        }
    }

    @Test
    void oneBatchAtATimeByDefault() {
        Writes w = new Writes();
        StatementBatcher<Integer, String> b = new StatementBatcher<>(100, w::write);
        List<Future<String>> results = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            results.add(b.submit(i));
        }
        assertEquals(List.of(List.of(0)), w.batches, "the first item is written at once, alone");
        w.completeOldest();
        assertEquals(List.of(List.of(0), List.of(1, 2, 3, 4)), w.batches, "the rest waited and went together");
        w.completeOldest();
        assertEquals(1, w.maxSeen);
        for (int i = 0; i < 5; i++) {
            assertEquals("r" + i, results.get(i).result());
        }
    }

    @Test
    void upToTheAllowedBatchesInFlightAndNoMore() {
        Writes w = new Writes();
        StatementBatcher<Integer, String> b = new StatementBatcher<>(3, 2, w::write);
        List<Future<String>> results = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            results.add(b.submit(i));
        }
        assertEquals(List.of(List.of(0), List.of(1)), w.batches, "two written at once, each alone");
        while (!w.pending.isEmpty()) {
            w.completeOldest();
        }
        assertEquals(2, w.maxSeen, "never more than two batches in flight");
        assertTrue(w.batches.stream().allMatch(batch -> batch.size() <= 3), w.batches.toString());
        assertEquals(10, w.batches.stream().mapToInt(List::size).sum());
        for (int i = 0; i < 10; i++) {
            assertEquals("r" + i, results.get(i).result(), "each item gets its own result");
        }
    }

    @Test
    void aFailedBatchFailsItsItemsOnly() {
        Writes w = new Writes();
        StatementBatcher<Integer, String> b = new StatementBatcher<>(100, w::write);
        Future<String> first = b.submit(1);
        Future<String> second = b.submit(2);
        w.inFlight--;
        w.pending.remove(0).fail(new IllegalStateException("refused"));
        assertTrue(first.failed());
        assertEquals("refused", first.cause().getMessage());
        w.completeOldest();
        assertEquals("r2", second.result());
    }
}
