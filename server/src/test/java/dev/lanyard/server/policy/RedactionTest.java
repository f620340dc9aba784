package dev.lanyard.server.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanyard.server.http.Json;
import org.junit.jupiter.api.Test;

class RedactionTest {
    private static final String JWT = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln";

    @Test
    void secretLeavesAndTokensAreReplacedAtAnyDepthAndTheOriginalIsLeftAlone() throws Exception {
        String text = "{\"a\":{\"Client_Secret\":\"s1\",\"list\":[1,\"" + JWT + "\",{\"ApiKey\":\"k\"}],\"n\":2},"
                + "\"refresh_token\":[\"t1\",\"t2\"],\"token\":{\"sub\":\"kept\"},\"note\":\"eyJ but not a JWT\"}";
        JsonNode doc = Json.MAPPER.readTree(text);
        JsonNode out = Redaction.redact(doc);
        assertEquals(Json.MAPPER.readTree("{\"a\":{\"Client_Secret\":\"[REDACTED]\",\"list\":[1,\"[REDACTED]\","
                + "{\"ApiKey\":\"[REDACTED]\"}],\"n\":2},\"refresh_token\":[\"[REDACTED]\",\"[REDACTED]\"],"
                + "\"token\":{\"sub\":\"kept\"},\"note\":\"eyJ but not a JWT\"}"), out);
        assertEquals(Json.MAPPER.readTree(text), doc, "the input tree is not modified");
    }

    @Test
    void aDocumentWithoutSecretsIsReturnedAsItIs() throws Exception {
        JsonNode doc = Json.MAPPER.readTree("{\"tool\":{\"name\":\"create_ticket\",\"tags\":[\"a\",\"b\"]},\"n\":1}");
        assertSame(doc, Redaction.redact(doc));
    }
    /** Answers are remembered per key, up to a bound: the same answers come back before, at and past it. */
    @Test
    void keysAreJudgedTheSameWhetherRememberedOrNot() {
        for (int i = 0; i < 10_000; i++) {
            String suffix = Integer.toString(i, 36);
            assertEquals(true, Redaction.secretKey("Api_Key_" + suffix));
            assertEquals(false, Redaction.secretKey("title_" + suffix));
            assertEquals(true, Redaction.secretKey("password"), "asked again at " + i);
            assertEquals(false, Redaction.secretKey("title"), "asked again at " + i);
        }
        String longKey = "x".repeat(200) + "_secret";
        assertEquals(true, Redaction.secretKey(longKey));
        assertEquals(true, Redaction.secretKey(longKey));
    }
}
