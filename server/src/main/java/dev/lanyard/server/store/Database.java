package dev.lanyard.server.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnection;
import java.util.HashMap;
import java.util.function.Function;

/** The reactive connection pool every capability uses; transactions are composed, never blocked on. */
public final class Database {
    private final Vertx vertx;
    private volatile Pool pool;
    private volatile Pool asyncCommitPool;
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
        // the same database, but its sessions commit without waiting for the WAL flush (see asyncCommitPool)
        // (the copy shares its startup-parameter map with the original: give it its own)
        PgConnectOptions async = new PgConnectOptions(options).setProperties(new HashMap<>(options.getProperties()));
        async.addProperty("synchronous_commit", "off");
        this.asyncCommitPool = PgBuilder.pool()
                .with(new PoolOptions().setMaxSize(4).setShared(false))
                .connectingTo(async)
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

    /**
     * Connections whose commits do not wait for the write-ahead log to reach disk ({@code synchronous_commit=off}),
     * for writes whose durability a later synchronous commit on the same request path guarantees: PostgreSQL flushes
     * the log in order, so that later commit makes this one durable too. Used for single-use claims (a JWT id), which
     * are always followed by the issuance or the audited refusal they lead to — so the claim is on disk before any
     * answer leaves, without a disk flush of its own per request.
     */
    public Pool asyncCommitPool() {
        Pool p = asyncCommitPool;
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
        Pool a = asyncCommitPool;
        return p == null ? Future.succeededFuture() : Future.join(p.close(), a.close()).mapEmpty();
    }
}
