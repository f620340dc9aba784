package dev.lanyard.loadtest.engine;

import dev.lanyard.loadtest.scenario.RequestPlan;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.RequestOptions;

/**
 * Paces requests for one measured run. Every method runs on the generator's single event-loop context, which is
 * why counters are plain fields. Subclasses decide when to send; this class sends, records and always finishes:
 * when pacing is over and nothing is in flight, or at a hard deadline whatever is still outstanding.
 */
abstract class Driver {

    protected final Vertx vertx;
    protected final Recorder recorder = new Recorder();
    protected final LoadSpec spec;
    private final HttpClient client;
    private final RequestPlan plan;
    private final Promise<Void> done = Promise.promise();
    private final long timeoutMillis;

    protected long startNanos;
    protected long warmupEndNanos;
    protected long endNanos;
    protected int inFlight;
    private int measuredInFlight;
    private int maxInFlight;
    private boolean finished;
    private long hardStopTimer = -1;

    Driver(Vertx vertx, HttpClient client, RequestPlan plan, LoadSpec spec) {
        this.vertx = vertx;
        this.client = client;
        this.plan = plan;
        this.spec = spec;
        this.timeoutMillis = Math.max(1, spec.timeout().toMillis());
    }

    final Future<Void> start() {
        startNanos = System.nanoTime();
        warmupEndNanos = startNanos + spec.warmup().toNanos();
        endNanos = warmupEndNanos + spec.duration().toNanos();
        recorder.windowStartNanos = warmupEndNanos;
        // The run ends by itself even if the server never answers: pacing time + one timeout + grace.
        long hardStopMillis = spec.warmup().toMillis() + spec.duration().toMillis() + timeoutMillis + 2_000;
        hardStopTimer = vertx.setTimer(hardStopMillis, id -> finish());
        begin();
        return done.future();
    }

    /** Starts pacing; called once. */
    protected abstract void begin();

    /** True once the limit on measured requests is reached. */
    protected final boolean requestLimitReached() {
        return spec.maxRequests() > 0 && recorder.sent >= spec.maxRequests();
    }

    protected final boolean finished() {
        return finished;
    }

    /** Sends one request; {@code after} runs once it has completed, successfully or not. */
    protected final void send(long intendedNanos, boolean measured, Runnable after) {
        Buffer body;
        try {
            body = plan.hasBody() ? plan.body().get() : null;
        } catch (RuntimeException e) {
            planFailed(e);
            after.run();
            return;
        }
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        if (measured) {
            measuredInFlight++;
            recorder.sent++;
        }
        Exchange exchange = new Exchange(intendedNanos, measured);
        RequestOptions options = new RequestOptions()
                .setMethod(plan.method())
                .setURI(plan.path())
                .setHeaders(plan.newHeaders())
                .setConnectTimeout(timeoutMillis)
                .setIdleTimeout(timeoutMillis);
        client.request(options)
                .compose(request -> {
                    exchange.connectedNanos = System.nanoTime();
                    return body == null ? request.send() : request.send(body);
                })
                // end() waits for the whole response without buffering it.
                .compose(response -> response.end().map(ignored -> response.statusCode()))
                .onComplete(ar -> complete(exchange, ar, after));
    }

    private void complete(Exchange exchange, AsyncResult<Integer> ar, Runnable after) {
        if (finished) {
            return;
        }
        long now = System.nanoTime();
        inFlight--;
        if (exchange.measured) {
            measuredInFlight--;
            if (ar.succeeded()) {
                long connected = exchange.connectedNanos == 0 ? exchange.intendedNanos : exchange.connectedNanos;
                recorder.response(ar.result(), exchange.intendedNanos, connected, now);
            } else {
                recorder.failure(ErrorKind.classify(ar.cause()), String.valueOf(ar.cause()), now);
            }
        }
        after.run();
    }

    /**
     * The plan could not build a request (for example its pre-signed client assertions ran out). Retrying would only
     * spin the event loop (a closed-loop client would fail again at once, recursively), so pacing ends now. The
     * failure is counted as a measured {@code other} error even during warm-up, so the report says why the run ended.
     */
    private void planFailed(RuntimeException e) {
        long now = System.nanoTime();
        endNanos = Math.min(endNanos, now);
        recorder.sent++;
        recorder.failure(ErrorKind.OTHER, "request plan failed: " + e.getMessage(), now);
    }

    /** Counts a measured request that was due but deliberately not sent. */
    protected final void notSent() {
        recorder.sent++;
        recorder.failure(ErrorKind.NOT_SENT, "backlog of " + spec.maxBacklog() + " unanswered requests", System.nanoTime());
    }

    protected final void finish() {
        if (finished) {
            return;
        }
        finished = true;
        vertx.cancelTimer(hardStopTimer);
        onFinish();
        long now = System.nanoTime();
        for (int i = 0; i < measuredInFlight; i++) {
            recorder.failure(ErrorKind.TIMEOUT, "still unanswered when the run was cut off", now);
        }
        done.complete();
    }

    /** Releases pacing resources such as timers. */
    protected void onFinish() {
    }

    LoadResult result(String scenario, RequestPlan plan) {
        double elapsed = Math.max(0, recorder.lastCompletionNanos - recorder.windowStartNanos) / 1e9;
        return new LoadResult(scenario, plan.method().name(), plan.path(), spec, elapsed, recorder.sent, recorder.ok,
                recorder.nonSuccessStatuses, recorder.errors, recorder.errorSamples, maxInFlight,
                recorder.latencyMicros.copy(), recorder.serviceTimeMicros.copy());
    }

    private static final class Exchange {
        final long intendedNanos;
        final boolean measured;
        long connectedNanos;

        Exchange(long intendedNanos, boolean measured) {
            this.intendedNanos = intendedNanos;
            this.measured = measured;
        }
    }
}
