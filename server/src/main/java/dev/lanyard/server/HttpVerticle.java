package dev.lanyard.server;

import dev.lanyard.server.config.ServerConfig;
import dev.lanyard.server.health.HealthRoutes;
import dev.lanyard.server.http.AccessLog;
import dev.lanyard.server.http.ApiException;
import dev.lanyard.server.http.ApiRouter;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import dev.lanyard.server.http.Caller;
import dev.lanyard.server.http.ErrorCode;
import dev.lanyard.server.http.Failures;
import dev.lanyard.server.http.JsonContentType;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;

/** One HTTP server instance (deployed once per core): routes of every capability behind shared handlers. */
final class HttpVerticle extends VerticleBase {
    static final long MAX_BODY_BYTES = 1024 * 1024;
    private final ServerConfig config;
    private final LanyardState state;
    private final Capabilities capabilities;

    HttpVerticle(ServerConfig config, LanyardState state, Capabilities capabilities) {
        this.config = config;
        this.state = state;
        this.capabilities = capabilities;
    }

    @Override
    public Future<?> start() {
        Router router = Router.router(vertx);
        router.route().handler(ctx -> {
            Caller.attach(ctx);
            ctx.next();
        });
        router.route().handler(new AccessLog());
        new HealthRoutes(state).mount(router);
        router.get("/metrics").handler(PrometheusScrapingHandler.create(state.metricsRegistry()));

        Handler<RoutingContext> readinessGate = ctx -> {
            if (!state.ready()) {
                ctx.fail(new ApiException(ErrorCode.SERVICE_UNAVAILABLE, "The server is starting; retry shortly"));
            } else {
                ctx.next();
            }
        };
        // Vert.x Web tries routes in the order they were added, and no two of these groups share a path: the
        // high-volume ones (decisions, tokens) go first, so they do not test their path against the ~80 routes of the
        // admin API on every request
        capabilities.mountPdp(router, readinessGate);
        capabilities.mountOAuth(router, readinessGate);
        capabilities.mountOidc(router, readinessGate);
        // Vert.x requires the body handler first on a route; it only buffers (≤ 1 MiB), nothing is parsed before auth
        capabilities.mountApi(new ApiRouter(router, List.of(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES),
                readinessGate), capabilities.adminAuth(), List.of(new JsonContentType())));

        // unmatched paths (404) and known paths with another method (405) reach the same failure handler
        router.errorHandler(404, Failures::handle);
        router.errorHandler(405, Failures::handle);
        router.route().failureHandler(Failures::handle);

        HttpServerOptions options = new HttpServerOptions()
                .setHost(config.httpHost())
                .setPort(config.httpPort())
                .setCompressionSupported(false)
                .setIdleTimeout(120);
        return vertx.createHttpServer(options).requestHandler(router).listen();
    }
}
