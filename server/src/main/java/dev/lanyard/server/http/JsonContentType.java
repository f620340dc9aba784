package dev.lanyard.server.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;

/** Requests with a body must say it is JSON; a form or text body is refused before anyone tries to parse it. */
public final class JsonContentType implements Handler<RoutingContext> {
    @Override
    public void handle(RoutingContext ctx) {
        HttpMethod m = ctx.request().method();
        boolean hasBody = m == HttpMethod.POST || m == HttpMethod.PUT || m == HttpMethod.PATCH;
        if (hasBody && (ctx.body().length() > 0 || declaresBody(ctx))) {
            String type = ctx.request().getHeader("Content-Type");
            String base = type == null ? "" : type.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
            if (!base.equals("application/json") && !base.equals("application/merge-patch+json")) {
                ctx.fail(new ApiException(ErrorCode.UNSUPPORTED_MEDIA_TYPE));
                return;
            }
        }
        ctx.next();
    }

    /**
     * The body handler decodes form and multipart bodies into form attributes and leaves {@code ctx.body()} empty, so
     * the request's own framing headers say whether a body was sent.
     */
    private static boolean declaresBody(RoutingContext ctx) {
        String length = ctx.request().getHeader("Content-Length");
        if (length != null) {
            return !length.trim().equals("0");
        }
        return ctx.request().getHeader("Transfer-Encoding") != null;
    }
}
