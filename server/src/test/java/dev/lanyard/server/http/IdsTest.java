package dev.lanyard.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IdsTest {
    private static final String ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

    /** The milliseconds a sortable id's first eight characters encode. */
    private static long millisOf(String id) {
        long t = 0;
        for (char c : id.substring(4, 12).toCharArray()) {
            t = t * 62 + ALPHABET.indexOf(c);
        }
        return t;
    }

    @Test
    void sortableIdsHaveTheShapeOfEveryOtherId() {
        for (int i = 0; i < 1000; i++) {
            assertTrue(Ids.isValid("dec", Ids.sortable("dec")));
            assertTrue(Ids.isValid("agt", Ids.next("agt")));
        }
    }

    @Test
    void sortableIdsStartWithTheirTimeSoConsecutiveIdsShareAPrefix() {
        long t = 1_796_600_000_123L;
        String a = Ids.sortable("evt", t);
        assertEquals(t, millisOf(a));
        assertEquals(t + 1, millisOf(Ids.sortable("evt", t + 1)));
        // ids of the same second differ only after their first six characters: they land on neighbouring index pages
        assertEquals(a.substring(0, 10), Ids.sortable("evt", t + 500).substring(0, 10));
        long now = System.currentTimeMillis();
        long encoded = millisOf(Ids.sortable("evt"));
        assertTrue(encoded >= now && encoded <= System.currentTimeMillis(), "the current time: " + encoded);
        // the largest time eight characters hold is the year 8888; the encoding must not wrap before then
        assertEquals(218_340_105_584_895L, millisOf(Ids.sortable("evt", 218_340_105_584_895L)));
    }

    @Test
    void idsOfTheSameMillisecondAreStillUnique() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            assertTrue(seen.add(Ids.sortable("dec", 42L)));
        }
        assertNotEquals(Ids.sortable("dec", 42L).substring(12), Ids.sortable("dec", 42L).substring(12));
    }
}
