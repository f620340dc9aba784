package dev.lanyard.server.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lanyard.server.http.Json;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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
            assertNotEquals(base, h);
        }
    }
    /**
     * JSON input can carry a lone surrogate as an escape; UTF-8 cannot. Such a character is written as its escape,
     * so the text can be hashed and stored and reads back as the same string; a well-formed pair stays as it was.
     */
    @Test
    void loneSurrogatesAreWrittenAsEscapesThatReadBackAsTheSameString() throws Exception {
        ObjectNode details = JsonNodeFactory.instance.objectNode();
        details.put("tool", "create" + (char) 0xD800 + "ticket");
        details.putObject("k" + (char) 0xDC00).put("pair", "😀").put("end", "x" + (char) 0xDBFF);
        String canonical = AuditChain.canonicalDetails(details);
        assertEquals("{\"k\\uDC00\":{\"end\":\"x\\uDBFF\",\"pair\":\"😀\"},\"tool\":\"create\\uD800ticket\"}", canonical);
        assertEquals(details, Json.MAPPER.readTree(canonical));
        assertEquals(canonical, AuditChain.canonicalDetails(Json.MAPPER.readTree(canonical)));
        assertEquals(64, AuditChain.hash(1, "evt_1", Instant.EPOCH, "t", "a", null, "SUCCESS", null, null, canonical,
                AuditChain.GENESIS).length());
    }

    @Test
    void plainColumnsGetTheReplacementCharacterForALoneSurrogateOrANul() {
        assertEquals("agt_" + (char) 0xFFFD + "x" + (char) 0xFFFD, AuditChain.storable("agt_" + (char) 0xD800 + "x" + (char) 0));
        assertEquals("a😀", AuditChain.storable("a😀"));
        assertEquals(null, AuditChain.storable(null));
    }

    /** Jackson's own sorted output, which wrote every stored chain's details: the oracle for the sorted walk. */
    private static final ObjectMapper JACKSON_SORTED = JsonMapper
            .builder().enable(JsonNodeFeature.WRITE_PROPERTIES_SORTED).build();

    @Test
    void randomTreesAreWrittenAsJacksonsSortedOutputWroteThem() throws Exception {
        Random random = new Random(20261207);
        for (int i = 0; i < 2_000; i++) {
            JsonNode tree = randomNode(random, 0);
            assertEquals(JACKSON_SORTED.writeValueAsString(tree), AuditChain.canonicalDetails(tree), "tree " + i);
        }
    }

    /** A record prepared ahead (decision log, tool-call ingest) must hash and store exactly what the log would write. */
    @Test
    void aPreparedRecordCarriesTheTextTheLogWouldWrite() {
        Random random = new Random(7);
        for (int i = 0; i < 200; i++) {
            ObjectNode details = AuditRecord.fields();
            details.set("d", randomNode(random, 1));
            AuditRecord prepared = new AuditRecord("t", "a", null, AuditRecord.SUCCESS, null, null, details).prepared();
            assertEquals(AuditChain.canonicalDetails(details), prepared.canonicalDetails(), "tree " + i);
            assertSame(prepared, prepared.prepared());
        }
        assertEquals("{}", new AuditRecord("t", "a", null, AuditRecord.SUCCESS, null, null, null).prepared()
                .canonicalDetails());
    }

    private static JsonNode randomNode(Random r, int depth) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        int kind = depth >= 4 ? 2 + r.nextInt(10) : r.nextInt(12);
        switch (kind) {
            case 0: {
                ObjectNode o = f.objectNode();
                for (int k = r.nextInt(8); k > 0; k--) {
                    o.set(randomText(r), randomNode(r, depth + 1));
                }
                return o;
            }
            case 1: {
                ArrayNode a = f.arrayNode();
                for (int k = r.nextInt(5); k > 0; k--) {
                    a.add(randomNode(r, depth + 1));
                }
                return a;
            }
            case 2: return f.textNode(randomText(r));
            case 3: return f.numberNode(r.nextInt());
            case 4: return f.numberNode(r.nextLong());
            case 5: return f.numberNode(r.nextDouble() * Math.pow(10, r.nextInt(40) - 20));
            case 6: return f.numberNode(new BigDecimal(BigInteger.valueOf(r.nextLong()), r.nextInt(20) - 5));
            case 7: return f.numberNode(BigInteger.valueOf(r.nextLong()).multiply(BigInteger.TEN.pow(r.nextInt(30))));
            case 8: return f.booleanNode(r.nextBoolean());
            case 9: return f.nullNode();
            case 10: return f.numberNode(r.nextFloat());
            default: return f.binaryNode(randomText(r).getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Letters that sort differently by code unit than by locale, escapes, controls, non-ASCII and astral characters. */
    private static String randomText(Random r) {
        int[] alphabet = "aAbBzZ_-0\"\\\n\u0000\u001f\u007féß\u2028€😀".codePoints().toArray();
        StringBuilder b = new StringBuilder();
        for (int k = r.nextInt(6); k > 0; k--) {
            b.appendCodePoint(alphabet[r.nextInt(alphabet.length)]);
        }
        return b.toString();
    }
}
