package dev.lanyard.server.health;

import dev.lanyard.server.LanyardState;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code /health/live}: the process answers. {@code /health/ready}: the database is reachable and migrated, so
 * requests can be served; 503 until then, and again whenever PostgreSQL stops answering.
 */
public final class HealthRoutes {
    private static final String LIVE = new JsonObject().put("status", "UP").encode();
    private final LanyardState state;

    public HealthRoutes(LanyardState state) {
        this.state = state;
    }

    public void mount(Router router) {
        router.get("/health/live").handler(ctx -> ctx.response()
                .putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store").end(LIVE));
        router.get("/health/ready").handler(this::ready);
    }

    private void ready(RoutingContext ctx) {
        if (!state.ready()) {
            answer(ctx, 503, "DOWN", state.startupProblem() == null ? "starting" : state.startupProblem());
            return;
        }
        state.database().pool().query("SELECT 1").execute().onComplete(ar -> {
            if (ar.succeeded()) {
                answer(ctx, 200, "UP", null);
            } else {
                answer(ctx, 503, "DOWN", "database unreachable");
            }
        });
    }

    private static void answer(RoutingContext ctx, int status, String s, String reason) {
        JsonObject body = new JsonObject().put("status", s);
        if (reason != null) {
            body.put("reason", reason);
        }
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                .putHeader("Cache-Control", "no-store").end(body.encode());
    }
}
