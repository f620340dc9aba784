package dev.lanyard.mcp.jsonrpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.node.IntNode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@link ResponseScanner#flushed()}: a JSON answer is recognised as soon as it is whole, not only at the body's end. */
class ResponseScannerTest {
    private static final String ANSWER = "{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":{\"content\":[],\"isError\":false}}";

    private static void feed(ResponseScanner s, String text) {
        s.feed(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aJsonAnswerIsFoundWhenFlushedWholeAndNotBefore() {
        ResponseScanner s = new ResponseScanner(IntNode.valueOf(3), "application/json", 1 << 20);
        feed(s, ANSWER.substring(0, 40));
        assertNull(s.flushed(), "half a document");
        feed(s, ANSWER.substring(40, ANSWER.length() - 1));
        assertNull(s.flushed(), "all but the last brace");
        feed(s, "}\r\n");
        assertEquals(3, s.flushed().path("id").asInt(), "whole, white space after it");
        assertEquals(s.flushed(), s.finish());
    }

    @Test
    void anotherRequestsAnswerOrAnSseEventInProgressIsNotFound() {
        ResponseScanner other = new ResponseScanner(IntNode.valueOf(4), "application/json", 1 << 20);
        feed(other, ANSWER);
        assertNull(other.flushed());
        assertNull(other.finish());
        ResponseScanner sse = new ResponseScanner(IntNode.valueOf(3), "text/event-stream", 1 << 20);
        feed(sse, "event: message\ndata: " + ANSWER + "\n");
        assertNull(sse.flushed(), "the event has not ended (no blank line yet)");
        feed(sse, "\n");
        assertEquals(3, sse.flushed().path("id").asInt());
    }

    @Test
    void aBodyBeyondTheLimitIsNeverParsed() {
        ResponseScanner s = new ResponseScanner(IntNode.valueOf(3), "application/json", 16);
        feed(s, ANSWER);
        assertNull(s.flushed());
        assertEquals(true, s.overflowed());
    }
}
