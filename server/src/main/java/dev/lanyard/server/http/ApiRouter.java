package dev.lanyard.server.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * Registers admin API endpoints under {@code /api/v1} with the shared handlers (readiness gate, body limit, JSON
 * content type, admin authentication) attached to each endpoint's own route. Per-endpoint rather than one prefix
 * route, because the metrics' route label is built from every matched route and should read "/api/v1/users/:id".
 */
public final class ApiRouter {
    public static final String PREFIX = "/api/v1";
    private final Router router;
    private final List<Handler<RoutingContext>> common;

    public ApiRouter(Router router, List<Handler<RoutingContext>> common) {
        this.router = router;
        this.common = List.copyOf(common);
    }

    public Route get(String path) {
        return route(HttpMethod.GET, path);
    }

    public Route post(String path) {
        return route(HttpMethod.POST, path);
    }

    public Route patch(String path) {
        return route(HttpMethod.PATCH, path);
    }

    public Route put(String path) {
        return route(HttpMethod.PUT, path);
    }

    public Route delete(String path) {
        return route(HttpMethod.DELETE, path);
    }

    private Route route(HttpMethod method, String path) {
        Route route = router.route(method, PREFIX + path);
        common.forEach(route::handler);
        return route;
    }
}
