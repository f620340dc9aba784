package dev.lanyard.mcp.jsonrpc;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanyard.mcp.http.Json;
import java.io.ByteArrayOutputStream;

/**
 * Watches a response body go by — without holding it back — to find the JSON-RPC response to one request, so the
 * audit trail can say how a tool call ended. Streamable HTTP answers either with one JSON document or with a
 * Server-Sent Events stream in which the response is one {@code data:} event among progress notifications; both are
 * handled incrementally. Only the current event (or the JSON document) is buffered, up to {@code maxBytes}; beyond
 * that the outcome is reported as unknown rather than the stream being slowed down.
 */
public final class ResponseScanner {
    private final JsonNode id;
    private final boolean sse;
    private final int maxBytes;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
    private final ByteArrayOutputStream data = new ByteArrayOutputStream(256);
    private boolean overflow;
    /** The last byte of the JSON body so far that is not white space. */
    private byte lastSignificant;
    private JsonNode found;

    public ResponseScanner(JsonNode id, String contentType, int maxBytes) {
        this.id = id;
        this.sse = isEventStream(contentType);
        this.maxBytes = maxBytes;
    }

    /** A Server-Sent Events body, by its {@code Content-Type}. */
    public static boolean isEventStream(String contentType) {
        return contentType != null && contentType.toLowerCase(java.util.Locale.ROOT).startsWith("text/event-stream");
    }

    public void feed(byte[] bytes, int off, int len) {
        if (found != null) {
            return;
        }
        if (!sse) {
            if (data.size() + len > maxBytes) {
                overflow = true;
            } else {
                data.write(bytes, off, len);
                for (int i = off + len - 1; i >= off; i--) {
                    byte c = bytes[i];
                    if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                        lastSignificant = c;
                        break;
                    }
                }
            }
            return;
        }
        for (int i = off; i < off + len && found == null; i++) {
            byte b = bytes[i];
            if (b == '\n') {
                line();
            } else if (b != '\r') {
                if (line.size() < maxBytes) {
                    line.write(b);
                } else {
                    overflow = true;
                }
            }
        }
    }

    public void feed(byte[] bytes) {
        feed(bytes, 0, bytes.length);
    }

    private void line() {
        byte[] l = line.toByteArray();
        line.reset();
        if (l.length == 0) {
            dispatch();
            return;
        }
        if (l.length >= 5 && l[0] == 'd' && l[1] == 'a' && l[2] == 't' && l[3] == 'a' && l[4] == ':') {
            int start = l.length > 5 && l[5] == ' ' ? 6 : 5;
            if (data.size() > 0) {
                data.write('\n');
            }
            if (data.size() + l.length - start <= maxBytes) {
                data.write(l, start, l.length - start);
            } else {
                overflow = true;
            }
        }
    }

    private void dispatch() {
        if (data.size() > 0) {
            consider();
            data.reset();
        }
    }

    /** The buffered document (the JSON body, or one SSE event's data) is the response if it answers the request. */
    private void consider() {
        JsonNode m = parse(data.toByteArray());
        if (ResponseOutcome.answers(m, id)) {
            found = m;
        }
    }

    private static JsonNode parse(byte[] b) {
        try {
            return Json.parse(b);
        } catch (Exception e) {
            return null;
        }
    }

    /** The response, if it has gone by. */
    public JsonNode found() {
        return found;
    }

    /**
     * The bytes so far are about to leave (a flush): a JSON document that is whole by now is the response, and the
     * client may read it before the body formally ends.
     */
    public JsonNode flushed() {
        // a response is an object: only a body that ends with '}' is worth parsing (a body flushed in many pieces
        // is then not parsed again at every flush)
        if (found == null && !sse && !overflow && lastSignificant == '}') {
            consider();
        }
        return found;
    }

    /** Call at the end of the body: the response, or null if it never came (or was too large to read). */
    public JsonNode finish() {
        if (found == null) {
            if (sse) {
                if (line.size() > 0) {
                    line();
                }
                dispatch();
            } else if (!overflow && data.size() > 0) {
                consider();
            }
        }
        return found;
    }

    public boolean overflowed() {
        return overflow;
    }
}
