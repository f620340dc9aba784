package dev.lanyard.server.oauth;

import dev.lanyard.server.store.StatementBatcher;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Single use of JWT ids, across every server instance on the database: the first {@link #claim} of a (namespace,
 * jti) succeeds, any later one fails until the JWT has expired. Rows are purged after expiry. The pool decides the
 * durability of a claim: {@link dev.lanyard.server.store.Database#asyncCommitPool} where a synchronous commit always
 * follows before the caller is answered, the ordinary pool elsewhere. Claims made at the same moment share one
 * statement (every token request makes one, so on a busy endpoint this saves a statement per request).
 */
public final class ReplayGuard {
    /** Claims per statement: a batch's row locks are held until it commits, so it stays short. */
    static final int MAX_BATCH = 256;
    private static final String CLAIM_ALL = "INSERT INTO replay_guard (namespace, jti, expires_at) "
            + "SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[]) ON CONFLICT DO NOTHING "
            + "RETURNING namespace, jti";
    private final Supplier<Pool> pool;
    /** Two batches at a time: one statement waiting for its round trip would otherwise leave a core idle. */
    private final StatementBatcher<Claim, Boolean> claims = new StatementBatcher<>(MAX_BATCH, 2, this::claimAll);

    private record Claim(String namespace, String jti, Instant expiresAt) {
        String key() {
            return key(namespace, jti);
        }

        static String key(String namespace, String jti) {
            return namespace + '\u0000' + jti;
        }
    }

    public ReplayGuard(Supplier<Pool> pool) {
        this.pool = pool;
    }

    /**
     * Whether a JWT's {@code jti} can be claimed: present, at most 200 characters, no control characters. Checked by
     * every caller before {@link #claim}: PostgreSQL text cannot hold NUL, and a claim that fails its statement would
     * fail every other claim batched with it.
     */
    public static boolean usable(String jti) {
        if (jti == null || jti.isEmpty() || jti.length() > 200) {
            return false;
        }
        for (int i = 0; i < jti.length(); i++) {
            if (Character.isISOControl(jti.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** True if this is the first use; false if the id was seen before. {@code jti} must be {@link #usable}. */
    public Future<Boolean> claim(String namespace, String jti, Instant expiresAt) {
        if (!usable(jti)) {
            return Future.failedFuture(new IllegalArgumentException("unusable jti"));
        }
        return claims.submit(new Claim(namespace, jti, expiresAt));
    }

    /**
     * One statement for the batch; of two claims of the same id in one batch, the first wins. Rows go in sorted by
     * id: two batches that claim some of the same ids at once (the two in flight here, two instances, or the token
     * endpoint and introspection) then wait on each other's rows in the same order, never in a cycle, so neither is
     * aborted as a deadlock with the other claims it carries.
     */
    private Future<List<Boolean>> claimAll(List<Claim> batch) {
        TreeMap<String, Claim> distinct = new TreeMap<>();
        batch.forEach(c -> distinct.putIfAbsent(c.key(), c));
        int n = distinct.size();
        String[] namespaces = new String[n];
        String[] jtis = new String[n];
        OffsetDateTime[] expiries = new OffsetDateTime[n];
        int i = 0;
        for (Claim c : distinct.values()) {
            namespaces[i] = c.namespace();
            jtis[i] = c.jti();
            expiries[i++] = c.expiresAt().atOffset(ZoneOffset.UTC);
        }
        return pool.get().preparedQuery(CLAIM_ALL)
                .execute(Tuple.tuple().addArrayOfString(namespaces).addArrayOfString(jtis)
                        .addArrayOfOffsetDateTime(expiries))
                .map(rows -> {
                    Set<String> inserted = new HashSet<>();
                    for (Row r : rows) {
                        inserted.add(Claim.key(r.getString("namespace"), r.getString("jti")));
                    }
                    List<Boolean> first = new ArrayList<>(batch.size());
                    for (Claim c : batch) {
                        // remove: a second claim of the same id in this batch is a replay of the first
                        first.add(inserted.remove(c.key()));
                    }
                    return first;
                });
    }

    public Future<Integer> purgeExpired() {
        return pool.get().query("DELETE FROM replay_guard WHERE expires_at < now() - interval '5 minutes'").execute()
                .map(r -> r.rowCount());
    }
}
