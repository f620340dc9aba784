package dev.lanyard.mcp.audit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanyard.mcp.http.Json;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/**
 * {@code POST /api/v1/mcp/tool-calls} of the Lanyard server, {@code {"records":[…]}} (at most 500), authenticated with
 * an adapter token. The records are sent as the spool holds them, without re-parsing.
 */
public final class HttpAuditSink implements AuditSink {
    public static final int MAX_BATCH = 500;
    private final HttpClient http;
    private final URI endpoint;
    private final String bearer;
    private final Duration timeout;

    public HttpAuditSink(HttpClient http, URI serverBase, String adapterToken, Duration timeout) {
        this.http = http;
        this.endpoint = serverBase.resolve("/api/v1/mcp/tool-calls");
        this.bearer = "Bearer " + adapterToken;
        this.timeout = timeout;
    }

    @Override
    public Answer deliver(List<byte[]> records) {
        ByteArrayOutputStream body = new ByteArrayOutputStream(records.size() * 600 + 16);
        body.writeBytes("{\"records\":[".getBytes());
        for (int i = 0; i < records.size(); i++) {
            if (i > 0) {
                body.write(',');
            }
            body.writeBytes(records.get(i));
        }
        body.writeBytes("]}".getBytes());
        HttpRequest request = HttpRequest.newBuilder(endpoint).timeout(timeout)
                .header("Authorization", bearer).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build();
        HttpResponse<String> r;
        try {
            r = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(Result.RETRY, 0, 0, "interrupted");
        } catch (Exception e) {
            return new Answer(Result.RETRY, 0, 0, "server unreachable: " + e);
        }
        int s = r.statusCode();
        if (s == 200) {
            try {
                JsonNode n = Json.parse(r.body());
                return new Answer(Result.DELIVERED, n.path("accepted").asInt(), n.path("duplicates").asInt(), null);
            } catch (Exception e) {
                return new Answer(Result.DELIVERED, records.size(), 0, "unreadable acknowledgement");
            }
        }
        // 400/413/422: the records themselves are the problem. 401/403/404/408/429/5xx: the server, its configuration
        // or its load — the records stay and are sent again.
        boolean recordsAtFault = s == 400 || s == 413 || s == 422;
        String detail = s + " " + (r.body().length() > 300 ? r.body().substring(0, 300) : r.body());
        return new Answer(recordsAtFault ? Result.REJECTED : Result.RETRY, 0, 0, detail);
    }
}
