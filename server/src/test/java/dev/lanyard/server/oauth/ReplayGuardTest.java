package dev.lanyard.server.oauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanyard.server.store.TestDatabase;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Single use holds when claims are batched: many claims made at once share statements, yet each id is granted to
 * exactly one claimant, within a batch as across batches, and an id PostgreSQL could not store is refused before it
 * can fail anyone else's claim.
 */
class ReplayGuardTest {
    private static TestDatabase td;
    private static ReplayGuard guard;

    @BeforeAll
    static void start() throws Exception {
        td = TestDatabase.start("lanyard-replay-guard-");
        guard = new ReplayGuard(td.db()::asyncCommitPool);
    }

    @AfterAll
    static void stop() throws Exception {
        td.close();
    }

    private static <T> T await(Future<T> f) throws Exception {
        return TestDatabase.await(f);
    }

    private static Instant later() {
        return Instant.now().plusSeconds(300);
    }

    private static long rows(String namespace) throws Exception {
        return await(td.db().pool().preparedQuery("SELECT count(*) FROM replay_guard WHERE namespace = $1")
                .execute(io.vertx.sqlclient.Tuple.of(namespace))).iterator().next().getLong(0);
    }

    @Test
    void manyDistinctClaimsAtOnceAreEachFirstOnceAndThenReplays() throws Exception {
        List<Future<Boolean>> first = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            first.add(guard.claim("test:distinct", "jti-" + i, later()));
        }
        for (Future<Boolean> f : first) {
            assertTrue(await(f));
        }
        assertEquals(600, rows("test:distinct"));
        List<Future<Boolean>> again = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            again.add(guard.claim("test:distinct", "jti-" + i, later()));
        }
        for (Future<Boolean> f : again) {
            assertFalse(await(f), "a second claim is a replay");
        }
    }

    @Test
    void theSameIdClaimedManyTimesAtOnceIsGrantedExactlyOnce() throws Exception {
        for (int round = 0; round < 20; round++) {
            List<Future<Boolean>> claims = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                claims.add(guard.claim("test:same", "jti-" + round, later()));
            }
            int granted = 0;
            for (Future<Boolean> f : claims) {
                granted += await(f) ? 1 : 0;
            }
            assertEquals(1, granted, "round " + round);
        }
    }

    /**
     * Two guards (two server instances, or the token endpoint's and introspection's) claiming the same ids at once,
     * in opposite orders: every claim is answered, none fails as a deadlock victim, and each id goes to one of them.
     */
    @Test
    void twoGuardsClaimingTheSameIdsInOppositeOrdersNeitherDeadlocksNorShares() throws Exception {
        ReplayGuard other = new ReplayGuard(td.db()::pool);
        for (int round = 0; round < 5; round++) {
            int n = 200;
            List<Future<Boolean>> a = new ArrayList<>();
            List<Future<Boolean>> b = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                a.add(guard.claim("test:two-guards", "r" + round + "-" + i, later()));
                b.add(other.claim("test:two-guards", "r" + round + "-" + (n - 1 - i), later()));
            }
            int granted = 0;
            for (int i = 0; i < n; i++) {
                boolean first = await(a.get(i));
                boolean second = await(b.get(n - 1 - i));
                assertTrue(first ^ second, "id " + i + " of round " + round + " went to exactly one guard");
                granted += (first ? 1 : 0) + (second ? 1 : 0);
            }
            assertEquals(n, granted);
        }
    }

    @Test
    void theSameIdInAnotherNamespaceIsAnotherClaim() throws Exception {
        Future<Boolean> a = guard.claim("test:ns-a", "shared", later());
        Future<Boolean> b = guard.claim("test:ns-b", "shared", later());
        assertTrue(await(a));
        assertTrue(await(b));
    }

    @Test
    void claimsCompleteOnTheCallersContext() throws Exception {
        List<Context> contexts = List.of(td.vertx().getOrCreateContext(), td.vertx().getOrCreateContext(), td.vertx().getOrCreateContext());
        List<CompletableFuture<Boolean>> same = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            Context caller = contexts.get(i % contexts.size());
            String jti = "ctx-" + i;
            CompletableFuture<Boolean> done = new CompletableFuture<>();
            caller.runOnContext(v -> guard.claim("test:context", jti, later())
                    .onComplete(ar -> done.complete(ar.succeeded() && Vertx.currentContext() == caller)));
            same.add(done);
        }
        for (CompletableFuture<Boolean> f : same) {
            assertTrue(f.get(30, TimeUnit.SECONDS));
        }
    }

    @Test
    void unstorableIdsAreRefusedWithoutFailingOtherClaims() throws Exception {
        assertFalse(ReplayGuard.usable(null));
        assertFalse(ReplayGuard.usable(""));
        assertFalse(ReplayGuard.usable("a\u0000b"));
        assertFalse(ReplayGuard.usable("line\nbreak"));
        assertFalse(ReplayGuard.usable("x".repeat(201)));
        assertTrue(ReplayGuard.usable("x".repeat(200)));
        assertTrue(ReplayGuard.usable("éèü-☃"));
        List<Future<Boolean>> good = new ArrayList<>();
        Future<Boolean> bad = null;
        for (int i = 0; i < 50; i++) {
            if (i == 25) {
                bad = guard.claim("test:nul", "evil\u0000", later());
            }
            good.add(guard.claim("test:nul", "good-" + i, later()));
        }
        Future<Boolean> refused = bad;
        ExecutionException e = assertThrows(ExecutionException.class, () -> await(refused));
        assertSame(IllegalArgumentException.class, e.getCause().getClass());
        for (Future<Boolean> f : good) {
            assertTrue(await(f));
        }
        assertEquals(50, rows("test:nul"));
    }
}
