package dev.lanyard.loadtest.scenario;

import dev.lanyard.loadtest.endpoint.LoopbackTarget;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.util.Map;

/** Minimal client for Lanyard's admin API, used only to create fixtures before a scenario is loaded. */
public final class AdminApi implements AutoCloseable {

    private final HttpClient client;
    private final LoopbackTarget target;
    private final String token;

    public AdminApi(Vertx vertx, LoopbackTarget target, String adminToken) {
        this.target = target;
        this.token = adminToken;
        this.client = vertx.createHttpClient(new HttpClientOptions()
                .setDefaultHost(target.socketHost())
                .setDefaultPort(target.port()));
    }

    public String token() {
        return token;
    }

    public LoopbackTarget target() {
        return target;
    }

    /** Header map that authenticates a request as the admin. */
    public Map<String, String> authorization() {
        return Map.of("Authorization", "Bearer " + token);
    }

    /** POSTs JSON and expects 201 Created; fails with the server's error body otherwise. */
    public Future<JsonObject> create(String path, JsonObject body) {
        return call(HttpMethod.POST, path, body, 201);
    }

    /** POSTs an action without a body (for example a lifecycle transition) and expects 200. */
    public Future<JsonObject> action(String path) {
        return call(HttpMethod.POST, path, null, 200);
    }

    public Future<JsonObject> get(String path) {
        return call(HttpMethod.GET, path, null, 200);
    }

    private Future<JsonObject> call(HttpMethod method, String path, JsonObject body, int expected) {
        RequestOptions options = new RequestOptions()
                .setMethod(method)
                .setURI(path)
                .setIdleTimeout(30_000)
                .putHeader("Authorization", "Bearer " + token)
                .putHeader("Accept", "application/json");
        if (body != null) {
            options.putHeader("Content-Type", "application/json");
        }
        return client.request(options)
                .compose(req -> body == null ? req.send() : req.send(body.toBuffer()))
                .compose(resp -> resp.body().compose(b -> {
                    if (resp.statusCode() != expected) {
                        return Future.failedFuture(new IllegalStateException(method + " " + path + " answered "
                                + resp.statusCode() + " (expected " + expected + "): " + excerpt(b)));
                    }
                    try {
                        return Future.succeededFuture(b.length() == 0 ? new JsonObject() : b.toJsonObject());
                    } catch (DecodeException e) {
                        return Future.failedFuture(new IllegalStateException(
                                method + " " + path + " answered non-JSON: " + excerpt(b), e));
                    }
                }));
    }

    private static String excerpt(Buffer b) {
        String s = b.toString();
        return s.length() > 500 ? s.substring(0, 500) + "..." : s;
    }

    @Override
    public void close() {
        client.close();
    }
}
