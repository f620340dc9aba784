package dev.lanyard.server.store;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Turns many small writes (or reads) into one statement: while batches are being written, items that arrive queue up
 * and go together in the next one. On a busy path the database then runs one statement per batch instead of one per
 * item; its per-statement cost (protocol, snapshot, executor start) is what dominates small statements here. When
 * idle, an item is written at once, alone, with no added wait.
 *
 * @param <T> an item to write
 * @param <R> what each item's caller gets back
 */
public final class StatementBatcher<T, R> {
    private final int maxBatch;
    private final int maxInFlight;
    private final Function<List<T>, Future<List<R>>> write;
    private final ConcurrentLinkedQueue<Item<T, R>> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger inFlight = new AtomicInteger();

    private record Item<T, R>(T value, Context context, Promise<R> done) {}

    /**
     * @param write writes a batch in one statement and answers one result per item, in order; if it fails, every
     *              item of the batch fails with its cause
     */
    public StatementBatcher(int maxBatch, Function<List<T>, Future<List<R>>> write) {
        this(maxBatch, 1, write);
    }

    /**
     * @param maxInFlight batches written at the same time: 1 where batches must not overlap, more for reads, which
     *                    then keep more than one database backend busy
     */
    public StatementBatcher(int maxBatch, int maxInFlight, Function<List<T>, Future<List<R>>> write) {
        this.maxBatch = maxBatch;
        this.maxInFlight = maxInFlight;
        this.write = write;
    }

    /** Completes on the caller's Vert.x context (any thread when called from outside one). */
    public Future<R> submit(T value) {
        Promise<R> done = Promise.promise();
        queue.add(new Item<>(value, Vertx.currentContext(), done));
        writeNext();
        return done.future();
    }

    private void writeNext() {
        for (int n = inFlight.get(); ; n = inFlight.get()) {
            if (n >= maxInFlight) {
                return;
            }
            if (inFlight.compareAndSet(n, n + 1)) {
                break;
            }
        }
        List<Item<T, R>> batch = new ArrayList<>();
        for (Item<T, R> item = queue.poll(); item != null; item = batch.size() < maxBatch ? queue.poll() : null) {
            batch.add(item);
        }
        if (batch.isEmpty()) {
            inFlight.decrementAndGet();
            // an item queued between the poll and the reset found the flag still set and left it to us
            if (!queue.isEmpty()) {
                writeNext();
            }
            return;
        }
        List<T> values = new ArrayList<>(batch.size());
        batch.forEach(i -> values.add(i.value()));
        Future<List<R>> written;
        try {
            written = write.apply(values);
        } catch (RuntimeException e) {
            written = Future.failedFuture(e);
        }
        written.onComplete(ar -> {
            for (int i = 0; i < batch.size(); i++) {
                Item<T, R> item = batch.get(i);
                complete(item.context(), item.done(), ar.succeeded() ? Future.succeededFuture(ar.result().get(i))
                        : Future.failedFuture(ar.cause()));
            }
            inFlight.decrementAndGet();
            if (!queue.isEmpty()) {
                writeNext();
            }
        });
    }

    /**
     * Completes {@code promise} on {@code context}, the one its caller runs on, so that the caller's continuation
     * does not run on the database client's thread and touch another event loop's state. Null: where we are.
     */
    public static <V> void complete(Context context, Promise<V> promise, AsyncResult<V> result) {
        if (context == null || context == Vertx.currentContext()) {
            settle(promise, result);
        } else {
            context.runOnContext(v -> settle(promise, result));
        }
    }

    private static <V> void settle(Promise<V> promise, AsyncResult<V> result) {
        if (result.succeeded()) {
            promise.tryComplete(result.result());
        } else {
            promise.tryFail(result.cause());
        }
    }
}
