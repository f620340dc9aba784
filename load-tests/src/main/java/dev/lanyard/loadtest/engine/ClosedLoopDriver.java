package dev.lanyard.loadtest.engine;

import dev.lanyard.loadtest.scenario.RequestPlan;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;

/**
 * N clients, each with one request outstanding at a time. Latency is measured from the actual send; in this mode
 * the server sets the pace, so there is no timetable to fall behind (throughput is the figure of merit).
 */
final class ClosedLoopDriver extends Driver {

    ClosedLoopDriver(Vertx vertx, HttpClient client, RequestPlan plan, LoadSpec spec) {
        super(vertx, client, plan, spec);
    }

    @Override
    protected void begin() {
        for (int i = 0; i < spec.concurrency(); i++) {
            next();
        }
    }

    private void next() {
        if (finished()) {
            return;
        }
        long now = System.nanoTime();
        if (now >= endNanos || requestLimitReached()) {
            if (inFlight == 0) {
                finish();
            }
            return;
        }
        send(now, now >= warmupEndNanos, this::next);
    }
}
