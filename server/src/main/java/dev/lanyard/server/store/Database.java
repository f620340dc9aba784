package dev.lanyard.server.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnection;
import java.util.function.Function;

/** The reactive connection pool every capability uses; transactions are composed, never blocked on. */
public final class Database {
    private final Vertx vertx;
    private volatile Pool pool;
    private volatile PgConnectOptions connectOptions;

    private Database(Vertx vertx) {
        this.vertx = vertx;
    }

    /**
     * A database not connected yet: the HTTP server starts before PostgreSQL is up (so liveness and readiness can be
     * answered), and routes behind the readiness gate only touch the pool once {@link #attach} has run.
     */
    public static Database unattached(Vertx vertx) {
        return new Database(vertx);
    }

    public boolean attached() {
        return pool != null;
    }

    public void attach(DatabaseLocation location) {
        PgConnectOptions options = new PgConnectOptions()
                .setHost(location.host())
                .setPort(location.port())
                .setDatabase(location.database())
                .setUser(location.user())
                .setPassword(location.password())
                .setCachePreparedStatements(true)
                .setPreparedStatementCacheMaxSize(512);
        Pool pool = PgBuilder.pool()
                .with(new PoolOptions().setMaxSize(16).setShared(false))
                .connectingTo(options)
                .using(vertx)
                .build();
        this.connectOptions = options;
        this.pool = pool;
    }

    public Pool pool() {
        Pool p = pool;
        if (p == null) {
            throw new IllegalStateException("database not attached yet");
        }
        return p;
    }

    public PgConnectOptions connectOptions() {
        return connectOptions;
    }

    /** Runs {@code work} in one transaction: committed if its future succeeds, rolled back otherwise. */
    public <T> Future<T> inTransaction(Function<SqlConnection, Future<T>> work) {
        return pool().withTransaction(work);
    }

    public Future<Void> close() {
        Pool p = pool;
        return p == null ? Future.succeededFuture() : p.close();
    }
}
