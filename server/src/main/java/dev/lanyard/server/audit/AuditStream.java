package dev.lanyard.server.audit;

import dev.lanyard.server.http.Json;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.sqlclient.Pool;
import java.util.List;

/**
 * One Server-Sent Events subscriber of the audit trail. It keeps a cursor (the last seq it sent) and, whenever told
 * that events were appended, reads everything after the cursor from the database. Reading from the database rather
 * than forwarding notifications keeps the stream gap-free and in order, and makes resuming with Last-Event-ID the
 * same code path as following live.
 */
final class AuditStream {
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

    AuditStream(Vertx vertx, Pool pool, HttpServerResponse response, AuditQuery filter, long cursor) {
        this.vertx = vertx;
        this.pool = pool;
        this.response = response;
        this.filter = filter;
        this.cursor = cursor;
    }

    void start() {
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
        new AuditQuery(filter.type(), filter.target(), filter.actor(), filter.since(), filter.until(), cursor, BATCH)
                .run(pool)
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
                        response.write("id: " + e.seq() + "\nevent: audit\ndata: " + Json.write(e) + "\n\n");
                        cursor = e.seq();
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
