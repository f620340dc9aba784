package dev.lanyard.server.http;

import io.vertx.ext.web.RoutingContext;
import java.util.regex.Pattern;

/** Who is calling and on which request: the request id and client address that every audit event carries. */
public record Caller(String requestId, String clientIp, Principal principal) {
    private static final String KEY = "lanyard.caller";
    private static final Pattern SAFE_REQUEST_ID = Pattern.compile("[0-9A-Za-z._:-]{1,128}");

    /** Attached by the first handler of every request. */
    public static void attach(RoutingContext ctx) {
        String given = ctx.request().getHeader("X-Request-Id");
        String requestId = given != null && SAFE_REQUEST_ID.matcher(given).matches() ? given : Ids.next("req");
        String ip = ctx.request().remoteAddress() == null ? null : ctx.request().remoteAddress().hostAddress();
        ctx.put(KEY, new Caller(requestId, ip, null));
        ctx.response().putHeader("X-Request-Id", requestId);
    }

    public static Caller of(RoutingContext ctx) {
        Caller caller = ctx.get(KEY);
        if (caller == null) {
            throw new IllegalStateException("Caller.attach was not run for this route");
        }
        return caller;
    }

    public static void authenticate(RoutingContext ctx, Principal principal) {
        ctx.put(KEY, new Caller(of(ctx).requestId, of(ctx).clientIp, principal));
    }

    /** The audit actor: the admin token or user that made the request, or "anonymous" before authentication. */
    public String actor() {
        return principal == null ? "anonymous" : principal.actor();
    }
}
