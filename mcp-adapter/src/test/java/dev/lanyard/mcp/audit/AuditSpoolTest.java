package dev.lanyard.mcp.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditSpoolTest {
    @TempDir
    Path dir;

    private static List<byte[]> records(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8)).toList();
    }

    private static List<String> text(AuditSpool.Batch b) {
        return b.records().stream().map(r -> new String(r, StandardCharsets.UTF_8)).toList();
    }

    @Test
    void recordsComeBackInOrderUntilAcknowledged() {
        try (AuditSpool s = AuditSpool.open(dir)) {
            s.append(records(0, 5));
            assertEquals(5, s.pending());
            AuditSpool.Batch b = s.read(3);
            assertEquals(List.of("{\"n\":0}", "{\"n\":1}", "{\"n\":2}"), text(b));
            // not acknowledged: the same records again
            assertEquals(text(b), text(s.read(3)));
            s.ack(b.end(), 3);
            assertEquals(2, s.pending());
            assertEquals(List.of("{\"n\":3}", "{\"n\":4}"), text(s.read(10)));
        }
    }

    @Test
    void aRestartResumesAtTheFirstUnacknowledgedRecordAndCutsATornLine() throws Exception {
        try (AuditSpool s = AuditSpool.open(dir)) {
            s.append(records(0, 4));
            s.ack(s.read(2).end(), 2);
        }
        // a crash in the middle of writing the next record
        Path seg;
        try (var files = Files.list(dir)) {
            seg = files.filter(p -> p.getFileName().toString().startsWith("seg-")).findFirst().orElseThrow();
        }
        Files.write(seg, "{\"n\":99, \"half".getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);
        try (AuditSpool s = AuditSpool.open(dir)) {
            assertEquals(2, s.pending());
            assertEquals(List.of("{\"n\":2}", "{\"n\":3}"), text(s.read(10)));
            s.append(records(4, 5));
            assertEquals(List.of("{\"n\":2}", "{\"n\":3}", "{\"n\":4}"), text(s.read(10)));
        }
    }

    @Test
    void segmentsRollOverAndAcknowledgedOnesAreDeleted() throws Exception {
        try (AuditSpool s = AuditSpool.open(dir, 40)) {
            for (int i = 0; i < 10; i++) {
                s.append(records(i, i + 1));
            }
            assertTrue(segments() > 1, "rolled over");
            AuditSpool.Batch all = s.read(100);
            assertEquals(10, all.records().size());
            assertEquals("{\"n\":9}", text(all).get(9));
            s.ack(all.end(), 10);
            assertEquals(0, s.pending());
            assertEquals(1, segments(), "only the segment being written remains");
        }
        try (AuditSpool s = AuditSpool.open(dir, 40)) {
            assertEquals(0, s.pending());
            assertTrue(s.read(10).isEmpty());
        }
    }

    private long segments() throws Exception {
        try (var files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith("seg-")).count();
        }
    }

    /** Lines longer than a read chunk, and batches that end mid-chunk, come back whole and resume exactly. */
    @Test
    void longLinesAndPartialBatchesAcrossReadChunks() {
        try (AuditSpool s = AuditSpool.open(dir)) {
            String big = "{\"pad\":\"" + "x".repeat(150_000) + "\"}";
            List<byte[]> written = new java.util.ArrayList<>(records(0, 700));
            written.add(350, big.getBytes(StandardCharsets.UTF_8));
            s.append(written);
            List<String> seen = new java.util.ArrayList<>();
            for (AuditSpool.Batch b = s.read(97); !b.isEmpty(); b = s.read(97)) {
                assertTrue(b.records().size() <= 97);
                seen.addAll(text(b));
                s.ack(b.end(), b.records().size());
            }
            assertEquals(written.stream().map(r -> new String(r, StandardCharsets.UTF_8)).toList(), seen);
            assertEquals(0, s.pending());
        }
    }

    /** While delivery keeps up, batches come from memory: the segment's bytes are not read back. */
    @Test
    void whileDeliveryKeepsUpRecordsAreReadBackFromMemory() throws Exception {
        try (AuditSpool s = AuditSpool.open(dir)) {
            s.append(records(0, 3));
            // overwrite the file's bytes (same length): a read from disk would return these
            Path seg = onlySegment();
            byte[] bytes = Files.readAllBytes(seg);
            Files.write(seg, new String(bytes, StandardCharsets.UTF_8).replace('n', 'X').getBytes(StandardCharsets.UTF_8));
            AuditSpool.Batch b = s.read(2);
            assertEquals(List.of("{\"n\":0}", "{\"n\":1}"), text(b));
            s.ack(b.end(), 2);
            assertEquals(List.of("{\"n\":2}"), text(s.read(10)));
        }
    }

    /**
     * Falling further behind than the memory holds switches to the file; catching up switches back. Every record is
     * delivered once, in order, across both switches and a restart.
     */
    @Test
    void fallingBehindReadsTheFileAndCatchingUpReturnsToMemory() {
        List<String> seen = new java.util.ArrayList<>();
        try (AuditSpool s = AuditSpool.open(dir, 1 << 20, 40)) {
            s.append(records(0, 4));      // 4 × 8 bytes: held in memory (40)
            AuditSpool.Batch b = s.read(3);
            seen.addAll(text(b));
            s.ack(b.end(), 3);
            s.append(records(4, 10));     // more than 40 bytes behind: the file from here on
            b = s.read(4);
            seen.addAll(text(b));
            s.ack(b.end(), 4);
            s.append(records(10, 12));
            b = s.read(100);
            seen.addAll(text(b));
            s.ack(b.end(), b.records().size());
            assertEquals(0, s.pending());
            s.append(records(12, 15));    // caught up: memory again
            b = s.read(2);
            seen.addAll(text(b));
            s.ack(b.end(), 2);
        }
        try (AuditSpool s = AuditSpool.open(dir, 1 << 20, 40)) {
            assertEquals(1, s.pending());
            AuditSpool.Batch b = s.read(100);
            seen.addAll(text(b));
            s.ack(b.end(), b.records().size());
        }
        assertEquals(IntStream.range(0, 15).mapToObj(i -> "{\"n\":" + i + "}").toList(), seen);
    }

    /** The read position is written without an fsync; if a crash left it unreadable, everything is sent again. */
    @Test
    void anUnreadablePositionMeansResendingFromTheOldestSegment() throws Exception {
        try (AuditSpool s = AuditSpool.open(dir)) {
            s.append(records(0, 3));
            s.ack(s.read(2).end(), 2);
        }
        Files.writeString(dir.resolve("ack"), "");
        try (AuditSpool s = AuditSpool.open(dir)) {
            assertEquals(3, s.pending());
            assertEquals(List.of("{\"n\":0}", "{\"n\":1}", "{\"n\":2}"), text(s.read(10)));
        }
    }

    private Path onlySegment() throws Exception {
        try (var files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith("seg-")).findFirst().orElseThrow();
        }
    }
}
