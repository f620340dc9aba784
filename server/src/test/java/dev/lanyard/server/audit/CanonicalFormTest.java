package dev.lanyard.server.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lanyard.server.http.Json;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * The canonical text and hash of an event must never change: chains already stored are verified against them. The
 * expected values were produced by the first implementation (a sorted copy of the tree, serialised), so any later
 * implementation is held to the same bytes.
 */
class CanonicalFormTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "{}|{}",
        "{\"b\":1,\"a\":{\"z\":[3,{\"y\":null,\"x\":true}],\"A\":\"é\\u2028\\\"q\\\"\\n\"},\"_\":-0.5,\"big\":12345678901234567890,\"f\":1.0E-7,\"dec\":1.10}"
                + "|{\"_\":-0.5,\"a\":{\"A\":\"é\u2028\\\"q\\\"\\n\",\"z\":[3,{\"x\":true,\"y\":null}]},\"b\":1,\"big\":12345678901234567890,\"dec\":1.1,\"f\":1.0E-7}",
        "[1,{\"b\":2,\"a\":1}]|[1,{\"a\":1,\"b\":2}]",
    })
    void detailsAreSortedAtEveryLevelWithoutWhiteSpace(String input, String canonical) throws Exception {
        assertEquals(canonical, AuditChain.canonicalDetails(Json.MAPPER.readTree(input)));
    }

    @Test
    void controlCharactersAndSupplementaryCharactersAreWrittenAsBefore() throws Exception {
        String doc = "{\"input\":{\"tool\":{\"name\":\"create_ticket\"},\"agent\":{\"id\":\"agt_1\",\"scopes\":[\"b\",\"a\"]}},"
                + "\"result\":{\"allow\":false,\"reasons\":[\"x\"]},\"latency_us\":17,\"Zeta\":\"\\u0000\\u001f\\u007f😀\"}";
        String canonical = AuditChain.canonicalDetails(Json.MAPPER.readTree(doc));
        assertEquals("{\"Zeta\":\"\\u0000\\u001F\u007f😀\",\"input\":{\"agent\":{\"id\":\"agt_1\",\"scopes\":[\"b\",\"a\"]},"
                + "\"tool\":{\"name\":\"create_ticket\"}},\"latency_us\":17,\"result\":{\"allow\":false,\"reasons\":[\"x\"]}}",
                canonical);
        assertEquals("92a7490c92d913eebb4a5d6e3b2c2bf000b90f2e2b433378931a1e7cb0aa90a4",
                AuditChain.hash(42, "evt_abc", Instant.parse("2026-12-06T22:40:01.123456789Z"), "policy.decision",
                        "agent:agt_1", null, "DENY", "req-1", "127.0.0.1", canonical, "0".repeat(64)));
    }

    @Test
    void nullFieldsAndEscapedIdsHashAsBefore() {
        assertEquals("8add0992066e6ef7cf67ce894d6e038975fee3c19ff0e6c4b8365c6e37eba8ae",
                AuditChain.hash(1, "evt_\"x\"", Instant.parse("2026-01-01T00:00:00Z"), "t", "a", "tgt", "SUCCESS",
                        null, null, "{}", "ab".repeat(32)));
    }

    @Test
    void anyChangeOfAFieldChangesTheHash() {
        String base = AuditChain.hash(1, "evt_1", Instant.EPOCH, "t", "a", "tgt", "SUCCESS", "r", "ip", "{}", AuditChain.GENESIS);
        assertEquals(base, AuditChain.hash(1, "evt_1", Instant.EPOCH, "t", "a", "tgt", "SUCCESS", "r", "ip", "{}", AuditChain.GENESIS));
        String[] changed = {
            AuditChain.hash(2, "evt_1", Instant.EPOCH, "t", "a", "tgt", "SUCCESS", "r", "ip", "{}", AuditChain.GENESIS),
            AuditChain.hash(1, "evt_2", Instant.EPOCH, "t", "a", "tgt", "SUCCESS", "r", "ip", "{}", AuditChain.GENESIS),
            AuditChain.hash(1, "evt_1", Instant.EPOCH.plusNanos(1000), "t", "a", "tgt", "SUCCESS", "r", "ip", "{}", AuditChain.GENESIS),
            AuditChain.hash(1, "evt_1", Instant.EPOCH, "u", "a", "tgt", "SUCCESS", "r", "ip", "{}", AuditChain.GENESIS),
            AuditChain.hash(1, "evt_1", Instant.EPOCH, "t", "b", "tgt", "SUCCESS", "r", "ip", "{}", AuditChain.GENESIS),
            AuditChain.hash(1, "evt_1", Instant.EPOCH, "t", "a", null, "SUCCESS", "r", "ip", "{}", AuditChain.GENESIS),
            AuditChain.hash(1, "evt_1", Instant.EPOCH, "t", "a", "tgt", "DENY", "r", "ip", "{}", AuditChain.GENESIS),
            AuditChain.hash(1, "evt_1", Instant.EPOCH, "t", "a", "tgt", "SUCCESS", "s", "ip", "{}", AuditChain.GENESIS),
            AuditChain.hash(1, "evt_1", Instant.EPOCH, "t", "a", "tgt", "SUCCESS", "r", "ip2", "{}", AuditChain.GENESIS),
            AuditChain.hash(1, "evt_1", Instant.EPOCH, "t", "a", "tgt", "SUCCESS", "r", "ip", "{\"a\":1}", AuditChain.GENESIS),
            AuditChain.hash(1, "evt_1", Instant.EPOCH, "t", "a", "tgt", "SUCCESS", "r", "ip", "{}", "1".repeat(64)),
        };
        for (String h : changed) {
            org.junit.jupiter.api.Assertions.assertNotEquals(base, h);
        }
    }
}
