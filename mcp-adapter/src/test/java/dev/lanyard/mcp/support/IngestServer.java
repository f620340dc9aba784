package dev.lanyard.mcp.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.lanyard.mcp.http.Json;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The tool-call audit ingest contract over real HTTP ({@code POST /api/v1/mcp/tool-calls}, ≤ 500 records, dedup by
 * id, {@code {"accepted","duplicates"}}), for unit tests of the emitter; the end-to-end tests use the real server.
 * It can be told to be down (503) or to refuse batches containing a given record as malformed (400).
 */
public final class IngestServer implements AutoCloseable {
    public static final String TOKEN = "adapter-token-for-tests-0123456789";
    private final HttpServer http;
    private final Set<String> ids = new LinkedHashSet<>();
    private final List<JsonNode> stored = new ArrayList<>();
    public final AtomicInteger posts = new AtomicInteger();
    private volatile boolean up = true;
    private volatile String refuseId;

    public IngestServer() throws IOException {
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/api/v1/mcp/tool-calls", ex -> {
            posts.incrementAndGet();
            byte[] in = ex.getRequestBody().readAllBytes();
            int status;
            String body;
            if (!up) {
                status = 503;
                body = "{\"errorCode\":\"unavailable\"}";
            } else if (!("Bearer " + TOKEN).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                status = 401;
                body = "{\"errorCode\":\"unauthorized\"}";
            } else {
                JsonNode records = Json.parse(in).path("records");
                boolean refuse = false;
                for (JsonNode r : records) {
                    refuse |= r.path("id").asText().equals(refuseId);
                }
                if (refuse || records.size() > 500) {
                    status = 400;
                    body = "{\"errorCode\":\"invalid_record\"}";
                } else {
                    int accepted = 0;
                    int dup = 0;
                    synchronized (this) {
                        for (JsonNode r : records) {
                            if (ids.add(r.path("id").asText())) {
                                stored.add(r);
                                accepted++;
                            } else {
                                dup++;
                            }
                        }
                    }
                    status = 200;
                    body = "{\"accepted\":" + accepted + ",\"duplicates\":" + dup + "}";
                }
            }
            byte[] out = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(status, out.length);
            ex.getResponseBody().write(out);
            ex.close();
        });
        http.start();
    }

    public URI base() {
        return URI.create("http://127.0.0.1:" + http.getAddress().getPort());
    }

    public void up(boolean v) {
        up = v;
    }

    public void refuse(String id) {
        refuseId = id;
    }

    public synchronized List<JsonNode> stored() {
        return List.copyOf(stored);
    }

    @Override
    public void close() {
        http.stop(0);
    }
}
