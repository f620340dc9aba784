package dev.lanyard.mcp.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanyard.mcp.jsonrpc.McpHeaders;
import dev.lanyard.mcp.jsonrpc.ResponseScanner;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;

/**
 * The response on its way to the client, watched: the session id the SDK assigns at initialize, and — for a
 * tools/call — the JSON-RPC response in the body (JSON or SSE), so the audit record can name the outcome. Everything
 * written goes straight through; only the current JSON document or SSE event is looked at.
 */
final class ObservedResponse extends HttpServletResponseWrapper {
    private final JsonNode requestId;
    private ResponseScanner scanner;
    private volatile String sessionId;
    private PrintWriter writer;
    private ServletOutputStream stream;
    private volatile Runnable onAnswer;

    /** @param requestId the tools/call's id to look for, or null to watch headers only */
    ObservedResponse(HttpServletResponse response, JsonNode requestId) {
        super(response);
        this.requestId = requestId;
    }

    String sessionId() {
        return sessionId;
    }

    synchronized JsonNode response() {
        return scanner == null ? null : scanner.finish();
    }

    synchronized boolean overflowed() {
        return scanner != null && scanner.overflowed();
    }

    /**
     * Runs {@code listener} once, when the response to the call is first seen complete, before its bytes are passed on:
     * a client holding its answer can count on whatever the listener did (the audit record handed over).
     */
    void onAnswer(Runnable listener) {
        this.onAnswer = listener;
    }

    private void observe(byte[] b, int off, int len) {
        if (requestId == null) {
            return;
        }
        boolean answered;
        synchronized (this) {
            if (scanner == null) {
                scanner = new ResponseScanner(requestId, getContentType(), 4 << 20);
            }
            boolean before = scanner.found() != null;
            scanner.feed(b, off, len);
            answered = !before && scanner.found() != null;
        }
        answered(answered);
    }

    /** Before a flush or close lets the bytes go: a JSON body may be whole now. */
    private void flushing() {
        boolean answered;
        synchronized (this) {
            answered = scanner != null && scanner.found() == null && scanner.flushed() != null;
        }
        answered(answered);
    }

    private void answered(boolean answered) {
        // outside the lock: the listener takes its own and reads this response back
        Runnable listener = onAnswer;
        if (answered && listener != null) {
            listener.run();
        }
    }

    @Override
    public void setHeader(String name, String value) {
        capture(name, value);
        super.setHeader(name, value);
    }

    @Override
    public void addHeader(String name, String value) {
        capture(name, value);
        super.addHeader(name, value);
    }

    private void capture(String name, String value) {
        if (McpHeaders.SESSION_ID.equalsIgnoreCase(name)) {
            sessionId = value;
        }
    }

    @Override
    public void flushBuffer() throws IOException {
        flushing();
        super.flushBuffer();
    }

    @Override
    public PrintWriter getWriter() throws IOException {
        if (writer == null) {
            Writer real = super.getWriter();
            writer = new PrintWriter(new Writer() {
                @Override
                public void write(char[] cbuf, int off, int len) throws IOException {
                    byte[] b = new String(cbuf, off, len).getBytes(StandardCharsets.UTF_8);
                    observe(b, 0, b.length);
                    real.write(cbuf, off, len);
                }

                @Override
                public void flush() throws IOException {
                    flushing();
                    real.flush();
                }

                @Override
                public void close() throws IOException {
                    flushing();
                    real.close();
                }
            });
        }
        return writer;
    }

    @Override
    public ServletOutputStream getOutputStream() throws IOException {
        if (stream == null) {
            ServletOutputStream real = super.getOutputStream();
            stream = new ServletOutputStream() {
                @Override
                public boolean isReady() {
                    return real.isReady();
                }

                @Override
                public void setWriteListener(WriteListener listener) {
                    real.setWriteListener(listener);
                }

                @Override
                public void write(int b) throws IOException {
                    observe(new byte[] {(byte) b}, 0, 1);
                    real.write(b);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    observe(b, off, len);
                    real.write(b, off, len);
                }

                @Override
                public void flush() throws IOException {
                    flushing();
                    real.flush();
                }

                @Override
                public void close() throws IOException {
                    flushing();
                    real.close();
                }
            };
        }
        return stream;
    }
}
