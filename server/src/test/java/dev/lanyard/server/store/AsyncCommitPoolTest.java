package dev.lanyard.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanyard.server.oauth.ReplayGuard;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The two pools on one database: ordinary sessions commit synchronously, the async-commit pool's sessions do not
 * wait for the log flush, a single-use claim made through either is seen by both, and both can be opened in full
 * before traffic.
 */
class AsyncCommitPoolTest {
    private static TestDatabase td;
    private static EmbeddedDatabase pg;
    private static Vertx vertx;
    private static Database db;

    @BeforeAll
    static void start() throws Exception {
        td = TestDatabase.start("lanyard-async-commit-");
        pg = td.pg();
        vertx = td.vertx();
        db = td.db();
    }

    @AfterAll
    static void stop() throws Exception {
        td.close();
    }

    private static <T> T await(Future<T> f) throws Exception {
        return TestDatabase.await(f);
    }

    private static String setting(Pool pool) throws Exception {
        return await(pool.query("SHOW synchronous_commit").execute()).iterator().next().getString(0);
    }

    @Test
    void warmingOpensEveryConnectionOfBothPools() throws Exception {
        await(db.warm());
        assertEquals(16, db.pool().size());
        assertEquals(4, db.asyncCommitPool().size());
        assertEquals(3, db.genericPlanPool().size());
        await(db.warm());
        assertEquals(16, db.pool().size(), "warming again opens nothing more");
    }

    /**
     * Fsync stays on, checkpoints (each one doubles the log for a while) come every 4 GB or 15 minutes, and new log
     * segments are not written full of zeros while every commit waits.
     */
    @Test
    void theEmbeddedDatabaseFlushesEveryCommitAndCheckpointsRarely() throws Exception {
        var rows = await(db.pool().query("SELECT name, setting, unit FROM pg_settings WHERE name IN "
                + "('fsync', 'full_page_writes', 'synchronous_commit', 'max_wal_size', 'checkpoint_timeout', 'wal_init_zero')")
                .execute());
        java.util.Map<String, String> settings = new java.util.HashMap<>();
        rows.forEach(r -> settings.put(r.getString("name"), r.getString("setting") + " " + r.getString("unit")));
        assertEquals("on null", settings.get("fsync"));
        assertEquals("on null", settings.get("full_page_writes"));
        assertEquals("on null", settings.get("synchronous_commit"));
        assertEquals("4096 MB", settings.get("max_wal_size"));
        assertEquals("900 s", settings.get("checkpoint_timeout"));
        assertEquals("off null", settings.get("wal_init_zero"));
    }

    @Test
    void aDatabaseThatCommitsAsynchronouslyIsReported() throws Exception {
        assertTrue(await(db.checkDurability()), "the embedded database commits synchronously");
        try (var c = java.sql.DriverManager.getConnection(pg.location().jdbcUrl(), pg.location().user(),
                pg.location().password()); var st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS lanyard_lax");
            st.execute("CREATE DATABASE lanyard_lax");
            st.execute("ALTER DATABASE lanyard_lax SET synchronous_commit = off");
        }
        var loc = pg.location();
        Database lax = Database.unattached(vertx);
        lax.attach(new DatabaseLocation(loc.host(), loc.port(), "lanyard_lax", loc.user(), loc.password()));
        try {
            assertFalse(await(lax.checkDurability()), "an operator's synchronous_commit=off is detected");
        } finally {
            await(lax.close());
        }
    }

    @Test
    void onlyTheAsyncCommitPoolSkipsTheFlush() throws Exception {
        for (int i = 0; i < 6; i++) {
            // more than one connection of each pool
            assertEquals("on", setting(db.pool()));
            assertEquals("off", setting(db.asyncCommitPool()));
        }
    }

    /**
     * A long statement is prepared once per connection, like a short one. The client's default keeps only statements
     * under 2,048 characters; the grants' facts read is longer, and was planned again at every execution.
     */
    @Test
    void longStatementsStayPreparedOnTheirConnection() throws Exception {
        String marker = "long_statement_" + System.nanoTime();
        String sql = "SELECT $1::int AS " + marker + " /* " + "x".repeat(4000) + " */";
        for (Pool pool : new Pool[] {db.pool(), db.asyncCommitPool(), db.genericPlanPool()}) {
            long kept = await(pool.withConnection(c -> c.preparedQuery(sql).execute(io.vertx.sqlclient.Tuple.of(1))
                    .compose(r -> c.preparedQuery(sql).execute(io.vertx.sqlclient.Tuple.of(2)))
                    .compose(r -> c.preparedQuery("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE $1")
                            .execute(io.vertx.sqlclient.Tuple.of("%" + marker + "%")))
                    .map(rows -> rows.iterator().next().getLong(0))));
            assertEquals(1, kept, "one named prepared statement in the session, reused");
        }
    }

    @Test
    void aClaimOnTheAsyncPoolIsSingleUseAcrossBothPools() throws Exception {
        ReplayGuard fast = new ReplayGuard(db::asyncCommitPool);
        ReplayGuard durable = new ReplayGuard(db::pool);
        Instant exp = Instant.now().plusSeconds(300);
        assertTrue(await(fast.claim("test", "jti-1", exp)));
        assertFalse(await(fast.claim("test", "jti-1", exp)), "a second claim of the same id fails");
        assertFalse(await(durable.claim("test", "jti-1", exp)), "and the ordinary pool sees the claim");
        assertTrue(await(fast.claim("other-namespace", "jti-1", exp)), "ids are single use per namespace");
    }
}
