package dev.lanyard.loadtest.support;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real HTTP server on a loopback port for tests. It counts what it sees (requests, in-flight high-water mark)
 * and lets each test decide how to answer. Runs on its own Vert.x instance so the generator and the server never
 * share an event loop.
 */
public final class TestServer implements AutoCloseable {

    public final AtomicLong requests = new AtomicLong();
    public final AtomicInteger inFlight = new AtomicInteger();
    public final AtomicInteger maxInFlight = new AtomicInteger();
    private final Vertx vertx;
    private final HttpServer server;

    /** What to do with a request; {@code respond} must be called exactly once, possibly later. */
    public interface Behaviour {
        void handle(long requestNumber, HttpServerRequest request, Respond respond);
    }

    public interface Respond {
        void with(int status);
    }

    private TestServer(Vertx vertx, HttpServer server) {
        this.vertx = vertx;
        this.server = server;
    }

    public static TestServer start(Behaviour behaviour) throws Exception {
        // One event loop: behaviours keep plain state without locks, like the handlers they imitate.
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        TestServer[] self = new TestServer[1];
        Handler<HttpServerRequest> handler = req -> self[0].dispatch(behaviour, req);
        HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
                .requestHandler(handler)
                .listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        self[0] = new TestServer(vertx, server);
        return self[0];
    }

    private void dispatch(Behaviour behaviour, HttpServerRequest req) {
        long n = requests.incrementAndGet();
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
        boolean[] answered = {false};
        behaviour.handle(n, req, status -> {
            if (answered[0]) {
                return;
            }
            answered[0] = true;
            inFlight.decrementAndGet();
            req.response().setStatusCode(status).end("{\"n\":" + n + "}");
        });
    }

    public Vertx vertx() {
        return vertx;
    }

    public int port() {
        return server.actualPort();
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
