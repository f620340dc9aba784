package dev.lanyard.mcp.proxy;

import dev.lanyard.mcp.guard.McpGuard;
import dev.lanyard.mcp.guard.SessionOwners;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;

/**
 * One instance of the proxy per event loop: its HTTP server (Vert.x spreads the shared port over the instances) and
 * its own upstream client, created on the verticle's context — so a request, its upstream exchange and its answer all
 * stay on one event loop, without hopping between threads. The guard and the session owners are shared.
 */
final class ProxyVerticle extends VerticleBase {
    private final McpGuard guard;
    private final McpProxy.Settings settings;
    private final SessionOwners sessions;
    private final HttpServerOptions serverOptions;
    private McpProxy proxy;
    private HttpServer server;

    ProxyVerticle(McpGuard guard, McpProxy.Settings settings, SessionOwners sessions, HttpServerOptions serverOptions) {
        this.guard = guard;
        this.settings = settings;
        this.sessions = sessions;
        this.serverOptions = serverOptions;
    }

    @Override
    public Future<?> start() {
        proxy = new McpProxy(vertx, guard, settings, sessions);
        return vertx.createHttpServer(serverOptions).requestHandler(proxy.router()).listen().onSuccess(s -> server = s);
    }

    @Override
    public Future<?> stop() {
        return proxy.close();
    }

    int port() {
        return server.actualPort();
    }
}
