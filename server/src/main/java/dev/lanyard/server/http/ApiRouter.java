package dev.lanyard.server.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;

/**
 * Registers admin API endpoints under {@code /api/v1} with the shared handlers (readiness gate, body limit, JSON
 * content type, authentication) attached to each endpoint's own route. Per-endpoint rather than one prefix
 * route, because the metrics' route label is built from every matched route and should read "/api/v1/users/:id".
 * Authentication is admin tokens unless a capability mounts its endpoints {@link #authenticatedBy another handler}.
 */
public final class ApiRouter {
    public static final String PREFIX = "/api/v1";
    private final Router router;
    private final List<Handler<RoutingContext>> before;
    private final Handler<RoutingContext> authentication;
    private final List<Handler<RoutingContext>> after;

    /** Each route runs {@code before}, then {@code authentication}, then {@code after}, then its own handler. */
    public ApiRouter(Router router, List<Handler<RoutingContext>> before, Handler<RoutingContext> authentication,
                     List<Handler<RoutingContext>> after) {
        this.router = router;
        this.before = List.copyOf(before);
        this.authentication = authentication;
        this.after = List.copyOf(after);
    }

    /** The same router with every other shared handler, but {@code other} authenticating the requests. */
    public ApiRouter authenticatedBy(Handler<RoutingContext> other) {
        return new ApiRouter(router, before, other, after);
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
        List<Handler<RoutingContext>> handlers = new ArrayList<>(before);
        handlers.add(authentication);
        handlers.addAll(after);
        handlers.forEach(route::handler);
        return route;
    }
}
