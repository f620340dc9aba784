package dev.lanyard.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class AccessLogTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aLineIsOneJsonObjectWithTheRequestFacts() throws Exception {
        String path = "/v1/data/\"quoted\"\n\u0001/é/𝄞";
        String line = AccessLog.line(1_796_600_000_123L, "vert.x-eventloop-thread-1", "POST", path, 503, 1234,
                "req_abc");
        assertTrue(!line.contains("\n"), "one line");
        JsonNode n = JSON.readTree(line);
        assertEquals(1_796_600_000_123L, n.path("timestamp").asLong());
        assertEquals("INFO", n.path("level").asText());
        assertEquals("lanyard.access", n.path("loggerName").asText());
        assertEquals("http", n.path("formattedMessage").asText());
        JsonNode kv = n.path("kvpList");
        assertEquals("POST", kv.get(0).path("method").asText());
        assertEquals(path, kv.get(1).path("path").asText(), "any path survives escaping");
        assertEquals("503", kv.get(2).path("status").asText());
        assertEquals("1234", kv.get(3).path("duration_us").asText());
        assertEquals("req_abc", kv.get(4).path("request_id").asText());
    }

    @Test
    void theWriterWritesWholeLinesInOrderAndCountsWhatItHadToDrop() throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        AccessLogWriter writer = new AccessLogWriter(false);
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            for (int i = 0; i < AccessLogWriter.MAX_QUEUED + 5; i++) {
                writer.add("{\"n\":" + i + "}");
            }
            writer.drain();
            writer.add("{\"n\":\"after\"}");
            writer.drain();
        } finally {
            System.setOut(original);
        }
        String[] lines = captured.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(AccessLogWriter.MAX_QUEUED + 2, lines.length);
        for (int i = 0; i < AccessLogWriter.MAX_QUEUED; i++) {
            assertEquals("{\"n\":" + i + "}", lines[i]);
        }
        JsonNode note = JSON.readTree(lines[AccessLogWriter.MAX_QUEUED]);
        assertEquals("WARN", note.path("level").asText());
        assertTrue(note.path("formattedMessage").asText().startsWith("5 access log lines dropped"), lines[lines.length - 2]);
        assertEquals("{\"n\":\"after\"}", lines[lines.length - 1], "room again once written");
    }
}
