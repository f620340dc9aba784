package dev.lanyard.mcp.support;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanyard.mcp.http.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** Raw HTTP for what an SDK client would hide: status codes, challenges, headers, malformed bodies. */
public final class Http {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public record Resp(int status, HttpResponse<String> http) {
        public String header(String name) {
            return http.headers().firstValue(name).orElse(null);
        }

        public String body() {
            return http.body();
        }

        public JsonNode json() {
            try {
                return Json.parse(http.body());
            } catch (Exception e) {
                throw new AssertionError("not JSON: " + http.body());
            }
        }

        @Override
        public String toString() {
            return status + " " + http.headers().map() + " " + http.body();
        }
    }

    private Http() {}

    public static Map<String, String> mcpHeaders(String token) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Type", "application/json");
        h.put("Accept", "application/json, text/event-stream");
        if (token != null) {
            h.put("Authorization", "Bearer " + token);
        }
        return h;
    }

    public static Resp post(String url, Map<String, String> headers, String body) {
        return send("POST", url, headers, body);
    }

    public static Resp get(String url, Map<String, String> headers) {
        return send("GET", url, headers, null);
    }

    public static Resp send(String method, String url, Map<String, String> headers, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        try {
            HttpResponse<String> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Resp(r.statusCode(), r);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A tools/call request body. */
    public static String toolCall(Object id, String tool, String argumentsJson) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + Json.write(id) + ",\"method\":\"tools/call\",\"params\":{\"name\":\""
                + tool + "\",\"arguments\":" + argumentsJson + "}}";
    }

    /** The JSON-RPC message in a response that may be JSON or one SSE event. */
    public static JsonNode message(Resp r) {
        String body = r.body();
        String ct = r.header("Content-Type");
        if (ct != null && ct.startsWith("text/event-stream")) {
            StringBuilder data = new StringBuilder();
            for (String line : body.split("\n")) {
                if (line.startsWith("data:")) {
                    data.append(line.substring(5).trim());
                }
            }
            body = data.toString();
        }
        try {
            return Json.parse(body);
        } catch (Exception e) {
            throw new AssertionError("no JSON-RPC message in " + r);
        }
    }
}
