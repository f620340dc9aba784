package dev.lanyard.loadtest.engine;

import dev.lanyard.loadtest.scenario.RequestPlan;
import dev.lanyard.loadtest.endpoint.LoopbackTarget;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;

/**
 * Applies a {@link LoadSpec} to one request plan and returns what was measured.
 *
 * <p>Each run gets its own HTTP client (so connections from an earlier scenario never serve a later one) whose
 * pool holds at most {@code concurrency} HTTP/1.1 connections without pipelining: in closed-loop mode this is what
 * bounds the requests in flight to N.
 */
public final class LoadGenerator {

    private final Vertx vertx;

    public LoadGenerator(Vertx vertx) {
        this.vertx = vertx;
    }

    /**
     * A Vert.x instance for generating load. The suite uses one event loop: on a two-core machine shared with the
     * server, a second generator thread would mostly steal CPU from the server being measured.
     */
    public static Vertx newVertx(int eventLoops) {
        return Vertx.vertx(new VertxOptions()
                .setEventLoopPoolSize(eventLoops)
                .setWorkerPoolSize(1)
                .setInternalBlockingPoolSize(1));
    }

    public Future<LoadResult> run(String scenario, LoopbackTarget target, RequestPlan plan, LoadSpec spec) {
        if (!LoopbackTarget.isLoopback(target.host())) {
            return Future.failedFuture(new IllegalStateException("non-loopback target " + target.host()));
        }
        Promise<LoadResult> result = Promise.promise();
        Context context = vertx.getOrCreateContext();
        context.runOnContext(ignored -> {
            HttpClientAgent client = vertx.createHttpClient(
                    new HttpClientOptions()
                            .setProtocolVersion(HttpVersion.HTTP_1_1)
                            .setDefaultHost(target.socketHost())
                            .setDefaultPort(target.port())
                            .setKeepAlive(true)
                            .setPipelining(false)
                            .setTcpNoDelay(true),
                    new PoolOptions()
                            .setHttp1MaxSize(spec.concurrency())
                            .setMaxWaitQueueSize(-1));
            Driver driver = spec.mode() == LoadMode.CLOSED
                    ? new ClosedLoopDriver(vertx, client, plan, spec)
                    : new ConstantRateDriver(vertx, client, plan, spec);
            driver.start()
                    .map(done -> driver.result(scenario, plan))
                    .onComplete(ar -> client.close().onComplete(closed -> result.handle(ar)));
        });
        return result.future();
    }
}
