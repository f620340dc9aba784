package dev.lanyard.server.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The reactive connection pool every capability uses; transactions are composed, never blocked on. */
public final class Database {
    private static final Logger LOG = LoggerFactory.getLogger(Database.class);
    private final Vertx vertx;
    private volatile Pool pool;
    private volatile Pool asyncCommitPool;
    private volatile Pool genericPlanPool;
    private volatile PgConnectOptions connectOptions;
    private static final int POOL_SIZE = 16;
    private static final int ASYNC_POOL_SIZE = 4;
    private static final int GENERIC_PLAN_POOL_SIZE = 3;
    /** Statements up to this length are prepared once per connection and kept (see {@link #attach}). */
    static final int STATEMENT_CACHE_SQL_LIMIT = 65_536;

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

    /**
     * No acquisition timeout (the client's default is 30 s). With one, each request that queues for a connection
     * arms a timer, and in vertx-sql-client 5.0.10 that timer races with the hand-over of a connection on another event
     * loop: it fires long after the request was served and fails its already completed promise inside the pool's task
     * runner. Under sustained token load (1,700–1,900 tokens/s, 32 clients, 16 connections) this was logged one to
     * three times a run, and once the pool then stopped handing out connections: every token request hung until the
     * process was killed (2026-12-07, 11:32 UTC). Without the timer a queued request waits until a connection frees
     * up; callers already bound how long they wait (HTTP clients, the decision log's own wait limit).
     */
    static PoolOptions poolOptions(int size) {
        return new PoolOptions().setMaxSize(size).setShared(false).setConnectionTimeout(0);
    }

    public void attach(DatabaseLocation location) {
        PgConnectOptions options = new PgConnectOptions()
                .setHost(location.host())
                .setPort(location.port())
                .setDatabase(location.database())
                .setUser(location.user())
                .setPassword(location.password())
                .setCachePreparedStatements(true)
                .setPreparedStatementCacheMaxSize(512)
                // the client's default caches only statements shorter than 2,048 characters; a longer one is parsed
                // and planned again at every execution (the grants' one-query facts read crossed that line and cost
                // ≈ 0.7 ms of planning per token). Our statement texts are constants or a few filter combinations,
                // so all of them may be kept; the cache stays bounded per connection.
                .setPreparedStatementCacheSqlLimit(STATEMENT_CACHE_SQL_LIMIT);
        Pool pool = build(options, POOL_SIZE);
        // the same database, but its sessions commit without waiting for the WAL flush (see asyncCommitPool)
        this.asyncCommitPool = build(withSetting(options, "synchronous_commit", "off"), ASYNC_POOL_SIZE);
        // the same database, but its sessions plan each prepared statement once (see genericPlanPool)
        this.genericPlanPool = build(withSetting(options, "plan_cache_mode", "force_generic_plan"),
                GENERIC_PLAN_POOL_SIZE);
        this.connectOptions = options;
        this.pool = pool;
    }

    private Pool build(PgConnectOptions options, int size) {
        return PgBuilder.pool().with(poolOptions(size)).connectingTo(options).using(vertx).build();
    }

    /** A copy of {@code options} whose sessions start with one setting changed. */
    private static PgConnectOptions withSetting(PgConnectOptions options, String name, String value) {
        // a plain copy shares its startup-parameter map with the original: give it its own
        PgConnectOptions copy = new PgConnectOptions(options).setProperties(new HashMap<>(options.getProperties()));
        copy.addProperty(name, value);
        return copy;
    }

    public Pool pool() {
        return attached(pool);
    }

    /**
     * Connections whose commits do not wait for the write-ahead log to reach disk ({@code synchronous_commit=off}),
     * for writes whose durability a later synchronous commit on the same request path guarantees: PostgreSQL flushes
     * the log in order, so that later commit makes this one durable too. Used for single-use claims (a JWT id), which
     * are always followed by the issuance or the audited refusal they lead to — so the claim is on disk before any
     * answer leaves, without a disk flush of its own per request.
     */
    public Pool asyncCommitPool() {
        return attached(asyncCommitPool);
    }

    /**
     * Connections whose sessions plan each prepared statement once and keep that generic plan
     * ({@code plan_cache_mode=force_generic_plan}), for hot statements of one fixed shape that PostgreSQL would
     * otherwise plan at every execution. It does so when a plan made for the parameters at hand looks cheaper than the
     * generic one, as it always does for a statement over an array parameter: the plan for the array's actual length
     * wins against one estimated for ten elements. The grants' batched facts read (nine subqueries) was planned at
     * every execution, 0.68 ms of PostgreSQL's CPU each time, for 0.23 ms of execution. Statements whose best plan
     * depends on their values (the audit query's time ranges) stay on {@link #pool()}.
     */
    public Pool genericPlanPool() {
        return attached(genericPlanPool);
    }

    /** Routes behind the readiness gate only reach a pool once {@link #attach} has run; anything else is a bug. */
    private static Pool attached(Pool p) {
        if (p == null) {
            throw new IllegalStateException("database not attached yet");
        }
        return p;
    }

    public PgConnectOptions connectOptions() {
        return connectOptions;
    }

    /**
     * Opens every connection of both pools now, before traffic, so that no request pays for a connection set-up and the
     * pools never connect while requests queue. Connections opened here stay (no idle timeout). A failure here only
     * means the pools connect lazily.
     */
    public Future<Void> warm() {
        List<Future<SqlConnection>> opening = new ArrayList<>();
        for (int i = 0; i < POOL_SIZE; i++) {
            opening.add(pool().getConnection());
        }
        for (int i = 0; i < ASYNC_POOL_SIZE; i++) {
            opening.add(asyncCommitPool().getConnection());
        }
        for (int i = 0; i < GENERIC_PLAN_POOL_SIZE; i++) {
            opening.add(genericPlanPool().getConnection());
        }
        return Future.join(opening).otherwiseEmpty().compose(v -> {
            List<Future<Void>> closing = new ArrayList<>();
            opening.stream().filter(Future::succeeded).forEach(f -> closing.add(f.result().close()));
            return Future.join(closing).<Void>mapEmpty().otherwiseEmpty();
        });
    }

    /**
     * Warns when the main pool's commits are not durable. The server answers only after its audit events commit, and
     * that promise holds only if a commit means "on disk"; an external database may have been set up otherwise. The
     * setting is the operator's (they may want {@code remote_apply}), so it is reported, not overridden.
     *
     * @return whether commits on the main pool wait for the log flush
     */
    public Future<Boolean> checkDurability() {
        return pool().query("SHOW synchronous_commit").execute().map(rows -> {
            boolean durable = !"off".equalsIgnoreCase(rows.iterator().next().getString(0));
            if (!durable) {
                LOG.warn("the database commits with synchronous_commit=off: tokens and decisions answered just before "
                        + "a database crash can lose their audit events; set synchronous_commit=on");
            }
            return durable;
        });
    }

    /** Runs {@code work} in one transaction: committed if its future succeeds, rolled back otherwise. */
    public <T> Future<T> inTransaction(Function<SqlConnection, Future<T>> work) {
        return pool().withTransaction(work);
    }

    public Future<Void> close() {
        Pool p = pool;
        Pool a = asyncCommitPool;
        Pool g = genericPlanPool;
        return p == null ? Future.succeededFuture() : Future.join(p.close(), a.close(), g.close()).mapEmpty();
    }
}
