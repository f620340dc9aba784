package dev.lanyard.server.oidc;

import dev.lanyard.server.http.ApiException;
import dev.lanyard.server.http.Caller;
import dev.lanyard.server.http.ErrorCode;
import dev.lanyard.server.oauth.OAuthException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Answers of the OAuth endpoints: JSON documents, and errors in RFC 6749 §5.2 form. */
public final class OAuthReplies {
    private static final Logger LOG = LoggerFactory.getLogger(OAuthReplies.class);

    private OAuthReplies() {}

    static Future<Void> json(RoutingContext ctx, int status, JsonObject body, String cacheControl) {
        return ctx.response().setStatusCode(status)
                .putHeader("Content-Type", "application/json")
                .putHeader("Cache-Control", cacheControl)
                .end(body.toBuffer());
    }

    /** Token responses must not be cached (RFC 6749 §5.1). */
    static Future<Void> noStore(RoutingContext ctx, JsonObject body) {
        ctx.response().putHeader("Pragma", "no-cache");
        return json(ctx, 200, body, "no-store");
    }

    static void error(RoutingContext ctx, int status, String error, String description) {
        if (ctx.response().ended() || ctx.response().headWritten()) {
            return;
        }
        JsonObject body = new JsonObject().put("error", error);
        if (description != null) {
            body.put("error_description", description);
        }
        if (status == 401) {
            ctx.response().putHeader("WWW-Authenticate", "Basic realm=\"lanyard\"");
        }
        ctx.response().putHeader("Pragma", "no-cache");
        json(ctx, status, body, "no-store");
    }

    /** Failure handler of the OAuth JSON endpoints. */
    public static void failure(RoutingContext ctx) {
        Throwable failure = ctx.failure();
        if (failure instanceof OAuthException oauth) {
            error(ctx, oauth.status(), oauth.error(), oauth.getMessage());
        } else if (failure instanceof ApiException api && api.code() == ErrorCode.NOT_FOUND) {
            error(ctx, 404, "not_found", api.getMessage());
        } else if (failure instanceof ApiException api && api.code() == ErrorCode.SERVICE_UNAVAILABLE) {
            error(ctx, 503, "temporarily_unavailable", api.getMessage());
        } else if (failure instanceof HttpException http && http.getStatusCode() == 413) {
            error(ctx, 413, "invalid_request", "the request body is too large");
        } else if (failure == null && ctx.statusCode() == 413) {
            error(ctx, 413, "invalid_request", "the request body is too large");
        } else {
            LOG.atError().setCause(failure).addKeyValue("request_id", Caller.of(ctx).requestId())
                    .addKeyValue("path", ctx.request().path()).log("OAuth request failed");
            error(ctx, 500, "server_error", "internal error; quote request id " + Caller.of(ctx).requestId());
        }
    }
}
