package dev.lanyard.server.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One JSON log line per request: method, path, status, duration, request id. No query strings or headers. */
public final class AccessLog implements Handler<RoutingContext> {
    private static final Logger LOG = LoggerFactory.getLogger("lanyard.access");

    @Override
    public void handle(RoutingContext ctx) {
        if (LOG.isInfoEnabled()) {
            long start = System.nanoTime();
            ctx.addBodyEndHandler(v -> LOG.atInfo()
                    .addKeyValue("method", ctx.request().method().name())
                    .addKeyValue("path", ctx.request().path())
                    .addKeyValue("status", ctx.response().getStatusCode())
                    .addKeyValue("duration_us", (System.nanoTime() - start) / 1000)
                    .addKeyValue("request_id", Caller.of(ctx).requestId())
                    .log("http"));
        }
        ctx.next();
    }
}
