package dev.lanyard.server.http;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.impl.RoutingContextInternal;

/**
 * Collects the request body as bytes, up to a limit (413 beyond it), for endpoints that parse their
 * {@code application/x-www-form-urlencoded} bodies themselves (strictly: duplicated and unknown parameters are
 * errors). Vert.x's BodyHandler would also run Netty's form decoder on them, which throws an exception at the end of
 * every form body — a measurable cost on the token endpoints — and decodes attributes nobody reads.
 */
public final class RawBody implements Handler<RoutingContext> {
    private final long limit;

    private RawBody(long limit) {
        this.limit = limit;
    }

    public static RawBody upTo(long bytes) {
        return new RawBody(bytes);
    }

    @Override
    public void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        String length = request.getHeader("Content-Length");
        if (length != null && declaredLength(length) > limit) {
            ctx.fail(413);
            return;
        }
        if (request.isEnded()) {
            // the router pauses every request; a body handler placed after one that read the body has nothing left
            ctx.fail(new IllegalStateException("RawBody must be the first handler of its route"));
            return;
        }
        Buffer body = Buffer.buffer();
        boolean[] failed = {false};
        request.handler(chunk -> {
            if (failed[0]) {
                return;
            }
            if (body.length() + chunk.length() > limit) {
                failed[0] = true;
                ctx.fail(413);
                return;
            }
            body.appendBuffer(chunk);
        });
        request.exceptionHandler(e -> {
            if (!failed[0]) {
                failed[0] = true;
                ctx.fail(e);
            }
        });
        request.endHandler(v -> {
            if (!failed[0]) {
                ((RoutingContextInternal) ctx).setBody(body);
                ctx.next();
            }
        });
        request.resume();
    }

    /** Netty has already refused malformed lengths; anything unreadable here is left to the streaming limit. */
    private static long declaredLength(String header) {
        try {
            return Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
