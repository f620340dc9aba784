package dev.lanyard.server.audit;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens on PostgreSQL's {@code lanyard_audit} channel and republishes on the local event bus, so live streams on
 * every server instance sharing the database learn of new events at commit time. The subscriber reconnects forever;
 * after a reconnect it publishes once, because notifications sent while disconnected are lost and streams must
 * catch up by querying.
 */
public final class AuditNotifications {
    public static final String ADDRESS = "lanyard.audit.appended";
    private static final Logger LOG = LoggerFactory.getLogger(AuditNotifications.class);
    private final PgSubscriber subscriber;

    private AuditNotifications(PgSubscriber subscriber) {
        this.subscriber = subscriber;
    }

    public static Future<AuditNotifications> start(Vertx vertx, PgConnectOptions options) {
        PgSubscriber subscriber = PgSubscriber.subscriber(vertx, options)
                .reconnectPolicy(retries -> 500L);
        subscriber.channel(AuditLog.CHANNEL)
                .handler(payload -> vertx.eventBus().publish(ADDRESS, payload))
                .subscribeHandler(v -> vertx.eventBus().publish(ADDRESS, "resubscribed"));
        subscriber.closeHandler(v -> LOG.warn("audit notification listener closed"));
        return subscriber.connect().map(v -> new AuditNotifications(subscriber));
    }

    public Future<Void> close() {
        return subscriber.close();
    }
}
