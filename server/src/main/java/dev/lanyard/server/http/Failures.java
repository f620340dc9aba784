package dev.lanyard.server.http;

import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.pgclient.PgException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last stop of every failed request: known refusals become their 4xx, anything else is a bug and becomes a 500
 * whose log line carries the request id (never request content, which may hold secrets).
 */
public final class Failures {
    private static final Logger LOG = LoggerFactory.getLogger(Failures.class);

    private Failures() {}

    public static void handle(RoutingContext ctx) {
        Throwable failure = ctx.failure();
        if (failure instanceof ApiException api) {
            Responses.error(ctx, api.code(), api.getMessage());
            return;
        }
        if (failure instanceof PgException pg && "23505".equals(pg.getSqlState())) {
            Responses.error(ctx, ErrorCode.DUPLICATE, ErrorCode.DUPLICATE.summary());
            return;
        }
        if (failure instanceof PgException pg && "40001".equals(pg.getSqlState())) {
            Responses.error(ctx, ErrorCode.CONFLICT, "A concurrent change got there first; retry the request");
            return;
        }
        int status = failure instanceof HttpException http ? http.getStatusCode() : ctx.statusCode();
        switch (status) {
            case 400 -> Responses.error(ctx, ErrorCode.MALFORMED_BODY, ErrorCode.MALFORMED_BODY.summary());
            case 404 -> Responses.error(ctx, ErrorCode.NOT_FOUND, "Not found: " + Ids.sanitize(ctx.request().path()));
            case 405 -> Responses.error(ctx, ErrorCode.METHOD_NOT_ALLOWED, ErrorCode.METHOD_NOT_ALLOWED.summary());
            case 413 -> Responses.error(ctx, ErrorCode.BODY_TOO_LARGE, ErrorCode.BODY_TOO_LARGE.summary());
            case 415 -> Responses.error(ctx, ErrorCode.UNSUPPORTED_MEDIA_TYPE, ErrorCode.UNSUPPORTED_MEDIA_TYPE.summary());
            default -> {
                LOG.atError().setCause(failure).addKeyValue("request_id", Caller.of(ctx).requestId())
                        .addKeyValue("path", ctx.request().path()).log("request failed");
                Responses.error(ctx, ErrorCode.INTERNAL, "Internal server error; quote errorId when reporting it");
            }
        }
    }
}
