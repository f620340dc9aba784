package dev.lanyard.loadtest.support;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Stand-in for the Lanyard server, run as a child process by the suite test. It follows the server's contract
 * (environment variables, health endpoints, the admin calls the scenarios make) and nothing more.
 */
public final class FakeLanyardServer {

    public static void main(String[] args) throws Exception {
        long started = System.nanoTime();
        int port = Integer.parseInt(System.getenv("LANYARD_HTTP_PORT"));
        String host = System.getenv().getOrDefault("LANYARD_HTTP_HOST", "127.0.0.1");
        String token = System.getenv("LANYARD_ADMIN_TOKEN");
        if (!Files.isDirectory(Path.of(System.getenv("LANYARD_DATA_DIR")))) {
            throw new IllegalStateException("data dir missing");
        }
        String pidFile = System.getenv("FAKE_PID_FILE");
        if (pidFile != null) {
            Files.writeString(Path.of(pidFile), String.valueOf(ProcessHandle.current().pid()));
        }
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        vertx.createHttpServer().requestHandler(req -> {
            String path = req.path();
            if (path.equals("/health/live")) {
                req.response().end("{\"status\":\"UP\"}");
            } else if (path.equals("/health/ready")) {
                // Pretend the database needs half a second to migrate.
                boolean ready = System.nanoTime() - started > 500_000_000L;
                req.response().setStatusCode(ready ? 200 : 503).end();
            } else if (!("Bearer " + token).equals(req.getHeader("Authorization"))) {
                error(req, 401, "E0000011", "Invalid token provided");
            } else if (req.method().name().equals("POST") && path.equals("/api/v1/users")) {
                req.body().onSuccess(b -> {
                    JsonObject in = b.toJsonObject();
                    if (!in.getString("login", "").startsWith("lt-user") || in.getString("password", "").length() < 12) {
                        error(req, 400, "E0000001", "bad user");
                    } else {
                        req.response().setStatusCode(201).end(in.copy().put("id", "00u-fake").remove("password") == null
                                ? "{}" : new JsonObject().put("id", "00u-fake").encode());
                    }
                });
            } else if (req.method().name().equals("POST") && path.equals("/api/v1/ai-agents")) {
                req.body().onSuccess(b -> {
                    JsonObject in = b.toJsonObject();
                    if (!in.getJsonArray("owners").contains("00u-fake")) {
                        error(req, 400, "E0000001", "unknown owner");
                    } else {
                        req.response().setStatusCode(201).end(new JsonObject().put("id", "wlp-fake").put("status", "STAGED").encode());
                    }
                });
            } else if (req.method().name().equals("GET") && path.equals("/api/v1/ai-agents/wlp-fake")) {
                req.response().putHeader("Content-Type", "application/json")
                        .end(new JsonObject().put("id", "wlp-fake").put("name", "lt-agent").encode());
            } else {
                error(req, 404, "E0000007", "Not found: " + path);
            }
        }).listen(port, host).toCompletionStage().toCompletableFuture().get();
    }

    private static void error(HttpServerRequest req, int status, String code, String summary) {
        req.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("errorCode", code).put("errorSummary", summary).put("errorId", "fake").encode());
    }
}
