package dev.lanyard.loadtest.scenario;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;

import java.util.Map;
import java.util.function.Supplier;

/**
 * The request a scenario repeats. The body supplier runs once per request on the generator's event loop, so
 * a scenario can send a freshly signed assertion each time; it must be cheap and must never block.
 */
public record RequestPlan(HttpMethod method, String path, Map<String, String> headers, Supplier<Buffer> body) {

    public RequestPlan {
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("path must start with '/': " + path);
        }
        headers = Map.copyOf(headers);
    }

    public static RequestPlan get(String path, Map<String, String> headers) {
        return new RequestPlan(HttpMethod.GET, path, headers, null);
    }

    /** A fresh header map per request: Vert.x adds its own headers to the map it is given. */
    public MultiMap newHeaders() {
        MultiMap m = HttpHeaders.headers();
        headers.forEach(m::add);
        return m;
    }

    public boolean hasBody() {
        return body != null;
    }
}
