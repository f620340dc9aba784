package dev.lanyard.mcp.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RecordIdTest {
    @Test
    void aVersion7UuidCarryingItsTime() {
        long t = 1_796_600_000_123L;
        UUID id = RecordId.next(t);
        assertEquals(7, id.version());
        assertEquals(2, id.variant());
        assertEquals(t, id.getMostSignificantBits() >>> 16);
        assertEquals(id, UUID.fromString(id.toString()));
    }

    @Test
    void idsSortByTimeAsTextAndAreUniqueWithinAMillisecond() {
        assertTrue(RecordId.next(1_000L).toString().compareTo(RecordId.next(1_001L).toString()) < 0);
        assertTrue(RecordId.next(1_796_600_000_000L).toString()
                .compareTo(RecordId.next(1_796_600_000_255L).toString()) < 0);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            assertTrue(seen.add(RecordId.next(42L).toString()));
        }
        String now = RecordId.next();
        assertEquals(36, now.length());
        long millis = UUID.fromString(now).getMostSignificantBits() >>> 16;
        assertTrue(Math.abs(System.currentTimeMillis() - millis) < 60_000, now);
    }
}
