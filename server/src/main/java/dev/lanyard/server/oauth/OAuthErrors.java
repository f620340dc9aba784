package dev.lanyard.server.oauth;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** RFC 6749 §5.2 error answers, the one format of every OAuth endpoint. */
public final class OAuthErrors {
    private OAuthErrors() {}

    public static void write(RoutingContext ctx, OAuthException e) {
        if (ctx.response().ended()) {
            return;
        }
        JsonObject body = new JsonObject().put("error", e.error());
        if (e.getMessage() != null) {
            body.put("error_description", e.getMessage());
        }
        if (e.status() == 503) {
            // temporarily_unavailable: the condition clears on its own within moments
            ctx.response().putHeader("Retry-After", "1");
        }
        ctx.response().setStatusCode(e.status()).putHeader("Content-Type", "application/json")
                .putHeader("Cache-Control", "no-store").putHeader("Pragma", "no-cache").end(body.encode());
    }
}
