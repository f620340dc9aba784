package dev.lanyard.server.audit;

import dev.lanyard.server.http.ApiRouter;
import dev.lanyard.server.http.Responses;
import dev.lanyard.server.store.Database;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;

/** {@code /api/v1/audit}: query events, verify the chain, follow the live stream. */
public final class AuditRoutes {
    private final Vertx vertx;
    private final Database db;

    public AuditRoutes(Vertx vertx, Database db) {
        this.vertx = vertx;
        this.db = db;
    }

    public void mount(ApiRouter api) {
        api.get("/audit/events").handler(this::events);
        api.get("/audit/verify").handler(ctx -> Responses.reply(ctx,
                ChainVerification.run(db.pool()).compose(v -> Responses.ok(ctx, v))));
        api.get("/audit/stream").handler(this::stream);
    }

    private void events(RoutingContext ctx) {
        AuditQuery query = AuditQuery.from(ctx.queryParams());
        Responses.reply(ctx, query.run(db.pool()).compose(events -> {
            if (events.size() == query.limit()) {
                ctx.response().putHeader("Link", "<" + ctx.request().path() + "?after="
                        + events.get(events.size() - 1).seq() + "&limit=" + query.limit() + ">; rel=\"next\"");
            }
            return Responses.ok(ctx, events);
        }));
    }

    private void stream(RoutingContext ctx) {
        var params = ctx.queryParams().copy();
        params.remove("after");
        params.remove("limit");
        AuditStream.follow(vertx, db.pool(), ctx, AuditQuery.from(params), "audit", e -> e);
    }
}
