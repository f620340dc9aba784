package dev.lanyard.server.oauth;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.util.function.Supplier;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * Single use of JWT ids, across every server instance on the database: the first {@link #claim} of a (namespace,
 * jti) succeeds, any later one fails until the JWT has expired. Rows are purged after expiry. The pool decides the
 * durability of a claim: {@link dev.lanyard.server.store.Database#asyncCommitPool} where a synchronous commit always
 * follows before the caller is answered, the ordinary pool elsewhere.
 */
public final class ReplayGuard {
    private final Supplier<Pool> pool;

    public ReplayGuard(Supplier<Pool> pool) {
        this.pool = pool;
    }

    /** True if this is the first use; false if the id was seen before. */
    public Future<Boolean> claim(String namespace, String jti, Instant expiresAt) {
        return pool.get().preparedQuery("INSERT INTO replay_guard (namespace, jti, expires_at) VALUES ($1, $2, $3) "
                        + "ON CONFLICT DO NOTHING")
                .execute(Tuple.of(namespace, jti, expiresAt.atOffset(ZoneOffset.UTC)))
                .map(r -> r.rowCount() == 1);
    }

    public Future<Integer> purgeExpired() {
        return pool.get().query("DELETE FROM replay_guard WHERE expires_at < now() - interval '5 minutes'").execute()
                .map(r -> r.rowCount());
    }
}
