package dev.lanyard.mcp.audit;

import java.security.SecureRandom;
import java.util.UUID;

/**
 * A tool-call record's id: an RFC 9562 version 7 UUID, whose first 48 bits are the Unix time in milliseconds and the
 * other 74 (besides version and variant) random. Lanyard stores each record under a unique index on this id; ids in
 * time order are inserted next to each other, where random ones would touch a random page of an index that, at tens
 * of thousands of calls a minute, soon outgrows the database's memory.
 */
final class RecordId {
    private static final SecureRandom RANDOM = new SecureRandom();

    private RecordId() {}

    static String next() {
        return next(System.currentTimeMillis()).toString();
    }

    static UUID next(long millis) {
        byte[] random = new byte[10];
        RANDOM.nextBytes(random);
        long randA = ((random[0] & 0xFFL) << 8 | (random[1] & 0xFFL)) & 0x0FFFL;
        long randB = 0;
        for (int i = 2; i < 10; i++) {
            randB = randB << 8 | (random[i] & 0xFFL);
        }
        long msb = (millis & 0xFFFF_FFFF_FFFFL) << 16 | 0x7000L | randA;
        long lsb = randB & 0x3FFF_FFFF_FFFF_FFFFL | 0x8000_0000_0000_0000L;
        return new UUID(msb, lsb);
    }
}
