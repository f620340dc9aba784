package dev.lanyard.server.audit;

import dev.lanyard.server.http.ApiException;
import dev.lanyard.server.http.ErrorCode;
import dev.lanyard.server.http.Json;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.sqlclient.Pool;
import java.util.List;
import java.util.function.Function;

/**
 * One Server-Sent Events subscriber of the audit trail. It keeps a cursor (the last seq it sent) and, whenever told
 * that events were appended, reads everything after the cursor from the database. Reading from the database rather
 * than forwarding notifications keeps the stream gap-free and in order, and makes resuming with Last-Event-ID the
 * same code path as following live.
 */
public final class AuditStream {
    private static final int BATCH = 500;
    private static final long HEARTBEAT_MILLIS = 15_000;

    private final Vertx vertx;
    private final Pool pool;
    private final HttpServerResponse response;
    private final AuditQuery filter;
    private long cursor;
    private boolean reading;
    private boolean dirty;
    private boolean closed;
    private MessageConsumer<Object> consumer;
    private long heartbeat;

    private final String eventName;
    private final Function<AuditEvent, Object> view;

    /** @param view what a subscriber sees of each event (the event itself, or a narrower view of it) */
    private AuditStream(Vertx vertx, Pool pool, HttpServerResponse response, AuditQuery filter, long cursor,
                       String eventName, Function<AuditEvent, Object> view) {
        this.eventName = eventName;
        this.view = view;
        this.vertx = vertx;
        this.pool = pool;
        this.response = response;
        this.filter = filter;
        this.cursor = cursor;
    }

    /**
     * Answers a subscription request: resumes after {@code Last-Event-ID} (or an {@code after} parameter), or, for a
     * fresh subscriber, follows from now on — history is what the query endpoints are for.
     */
    public static void follow(Vertx vertx, Pool pool, RoutingContext ctx, AuditQuery filter, String eventName,
                              Function<AuditEvent, Object> view) {
        String lastEventId = ctx.request().getHeader("Last-Event-ID");
        Long resumeAfter = lastEventId != null ? Long.valueOf(AuditQuery.after(lastEventId.trim()))
                : ctx.queryParams().contains("after") ? Long.valueOf(AuditQuery.after(ctx.queryParams().get("after")))
                : null;
        Future<Long> start = AuditLog.headSeq(pool).map(head -> {
            if (resumeAfter == null) {
                return head;
            }
            // A cursor past the end was issued by another trail (a new or restored database): resuming from it would
            // silently skip every event up to it, and for the revocation feed that means missed revocations.
            if (resumeAfter > head) {
                throw new ApiException(ErrorCode.CONFLICT, "Last-Event-ID " + resumeAfter + " is beyond the end of "
                        + "this audit trail (" + head + "): it comes from another database; resubscribe from the start");
            }
            return resumeAfter;
        });
        start.onFailure(ctx::fail).onSuccess(cursor ->
                new AuditStream(vertx, pool, ctx.response(), filter, cursor, eventName, view).start());
    }

    private void start() {
        response.setChunked(true)
                .putHeader("Content-Type", "text/event-stream")
                .putHeader("Cache-Control", "no-store")
                .putHeader("X-Accel-Buffering", "no");
        response.write(": lanyard audit stream\n\n");
        consumer = vertx.eventBus().consumer(AuditNotifications.ADDRESS, m -> poke());
        heartbeat = vertx.setPeriodic(HEARTBEAT_MILLIS, id -> {
            if (!closed) {
                response.write(": keep-alive\n\n");
            }
        });
        response.closeHandler(v -> close());
        response.exceptionHandler(e -> close());
        poke();
    }

    private void poke() {
        if (closed) {
            return;
        }
        if (reading) {
            dirty = true;
            return;
        }
        reading = true;
        dirty = false;
        // The head is read before the events: every event up to it was committed then (appends hold the head's lock
        // until they commit), so a read that comes back short has seen all matching events up to the head, and the
        // cursor may jump there. Otherwise a filtered stream (the revocation feed) would re-scan every unrelated event
        // since its last match on each notification.
        long[] head = {cursor};
        AuditLog.headSeq(pool).compose(h -> {
                    head[0] = h;
                    return filter.after(cursor, BATCH).run(pool);
                })
                .onComplete(ar -> {
                    reading = false;
                    if (closed) {
                        return;
                    }
                    if (ar.failed()) {
                        // try again on the next notification; the cursor has not moved, so nothing is skipped
                        dirty = true;
                        vertx.setTimer(1000, t -> poke());
                        return;
                    }
                    List<AuditEvent> events = ar.result();
                    for (AuditEvent e : events) {
                        response.write("id: " + e.seq() + "\nevent: " + eventName + "\ndata: " + Json.write(view.apply(e)) + "\n\n");
                        cursor = e.seq();
                    }
                    if (events.size() < BATCH) {
                        cursor = Math.max(cursor, head[0]);
                    }
                    if (events.size() == BATCH || dirty) {
                        poke();
                    }
                });
    }

    private void close() {
        if (closed) {
            return;
        }
        closed = true;
        vertx.cancelTimer(heartbeat);
        if (consumer != null) {
            consumer.unregister();
        }
    }
}
