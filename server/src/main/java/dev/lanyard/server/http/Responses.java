package dev.lanyard.server.http;

import io.vertx.core.Future;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.Map;

/** Writing JSON answers and errors in the admin API's shape. */
public final class Responses {
    private Responses() {}

    public static Future<Void> json(RoutingContext ctx, int status, Object body) {
        return ctx.response()
                .setStatusCode(status)
                .putHeader("Content-Type", "application/json")
                .putHeader("Cache-Control", "no-store")
                .end(Json.write(body));
    }

    public static Future<Void> ok(RoutingContext ctx, Object body) {
        return json(ctx, 200, body);
    }

    /** A versioned resource: the ETag lets the next update say which version it was based on. */
    public static Future<Void> versioned(RoutingContext ctx, int status, Versioned body) {
        ctx.response().putHeader("ETag", Preconditions.etag(body.version()));
        return json(ctx, status, body);
    }

    public static Future<Void> noContent(RoutingContext ctx) {
        return ctx.response().setStatusCode(204).end();
    }

    public static void error(RoutingContext ctx, ErrorCode code, String summary) {
        HttpServerResponse response = ctx.response();
        if (response.ended() || response.headWritten()) {
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("errorCode", code.code());
        body.put("errorSummary", summary);
        body.put("errorId", Caller.of(ctx).requestId());
        if (code == ErrorCode.UNAUTHORIZED) {
            response.putHeader("WWW-Authenticate", "Bearer realm=\"lanyard-admin\"");
        }
        json(ctx, code.status(), body);
    }

    /** Completes a handler's future: success is already written; a failure becomes the matching error answer. */
    public static <T> void reply(RoutingContext ctx, Future<T> work) {
        work.onFailure(ctx::fail);
    }
}
