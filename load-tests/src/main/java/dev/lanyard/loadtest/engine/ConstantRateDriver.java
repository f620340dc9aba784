package dev.lanyard.loadtest.engine;

import dev.lanyard.loadtest.scenario.RequestPlan;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;

/**
 * Sends request i at {@code start + i / rate}, whether or not earlier requests have answered, and charges its
 * latency from that intended time. If the server (or the generator, or a full connection pool) stalls for 300 ms,
 * every request scheduled during the stall records the part of the stall it waited through, instead of the stall
 * being hidden because the generator politely stopped sending — the "coordinated omission" correction of wrk2.
 *
 * <p>A 1 ms timer drains every slot that has come due; slots that fire late are still charged from their slot.
 */
final class ConstantRateDriver extends Driver {

    private final double intervalNanos;
    private long index;
    private long tickTimer = -1;
    private boolean sendingDone;

    ConstantRateDriver(Vertx vertx, HttpClient client, RequestPlan plan, LoadSpec spec) {
        super(vertx, client, plan, spec);
        this.intervalNanos = 1e9 / spec.ratePerSecond();
    }

    @Override
    protected void begin() {
        tickTimer = vertx.setPeriodic(1, id -> tick());
        tick();
    }

    private void tick() {
        if (finished() || sendingDone) {
            return;
        }
        long now = System.nanoTime();
        while (true) {
            long intended = startNanos + (long) (index * intervalNanos);
            if (intended >= endNanos || requestLimitReached()) {
                stopSending();
                return;
            }
            if (intended > now) {
                return;
            }
            index++;
            boolean measured = intended >= warmupEndNanos;
            if (inFlight >= spec.maxBacklog()) {
                if (measured) {
                    notSent();
                }
                continue;
            }
            send(intended, measured, this::checkDone);
        }
    }

    private void stopSending() {
        sendingDone = true;
        vertx.cancelTimer(tickTimer);
        checkDone();
    }

    private void checkDone() {
        if (sendingDone && inFlight == 0) {
            finish();
        }
    }

    @Override
    protected void onFinish() {
        vertx.cancelTimer(tickTimer);
    }
}
