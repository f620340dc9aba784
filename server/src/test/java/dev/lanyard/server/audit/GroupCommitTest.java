package dev.lanyard.server.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanyard.server.store.Database;
import dev.lanyard.server.store.TestDatabase;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Group commit of audit appends ({@link AuditLog#appendGrouped}) on a real PostgreSQL: concurrent appends share
 * transactions yet each caller learns of its own committed event, the chain stays gap-free and verifiable, and a
 * member whose write fails fails alone.
 */
class GroupCommitTest {
    private static TestDatabase td;
    private static Database db;
    private static final AuditLog audit = new AuditLog();

    @BeforeAll
    static void start() throws Exception {
        td = TestDatabase.start("lanyard-group-commit-");
        db = td.db();
    }

    @AfterAll
    static void stop() throws Exception {
        td.close();
    }

    private static <T> T await(Future<T> f) throws Exception {
        return TestDatabase.await(f);
    }

    private static AuditRecord record(String target) {
        return new AuditRecord("test.grouped", "system:test", target, AuditRecord.SUCCESS, null, null,
                AuditRecord.fields().put("n", target));
    }

    /** Writes that must commit with their events: replay-guard rows, one statement per call; counts its calls. */
    private static final class Claims implements GroupedRows<String> {
        final List<Integer> statements = java.util.Collections.synchronizedList(new ArrayList<>());

        @Override
        public Future<Void> insertAll(io.vertx.sqlclient.SqlClient tx, List<String> jtis) {
            statements.add(jtis.size());
            return tx.preparedQuery("INSERT INTO replay_guard (namespace, jti, expires_at) "
                            + "SELECT 'group-commit-test', j, $2 FROM unnest($1::text[]) AS j")
                    .execute(Tuple.of(jtis.toArray(new String[0]),
                            Instant.now().plusSeconds(600).atOffset(ZoneOffset.UTC)))
                    .mapEmpty();
        }
    }

    private final Claims claims = new Claims();

    @Test
    void concurrentAppendsShareTransactionsAndEachGetsItsOwnEvent() throws Exception {
        long headBefore = await(AuditLog.headSeq(db.pool()));
        List<Future<AuditEvent>> all = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            all.add(audit.appendGrouped(db.pool(), record("t" + i), claims, "ok-" + i));
        }
        Set<Long> seqs = new HashSet<>();
        Set<Instant> groups = new HashSet<>();
        for (int i = 0; i < all.size(); i++) {
            AuditEvent e = await(all.get(i));
            assertEquals("t" + i, e.target(), "each caller gets its own event");
            seqs.add(e.seq());
            groups.add(e.time());
        }
        assertEquals(300, seqs.size());
        assertEquals(headBefore + 300, await(AuditLog.headSeq(db.pool())));
        assertTrue(groups.size() < 300, "appends arriving together were committed together (" + groups.size() + " groups)");
        // every event and every alongside write is committed, and the chain links and hashes verify
        var rows = await(db.pool().query("SELECT " + AuditLog.COLUMNS + " FROM audit_events WHERE seq > " + headBefore
                + " ORDER BY seq").execute());
        String prev = null;
        long expect = headBefore;
        for (Row row : rows) {
            AuditEvent e = AuditLog.fromRow(row);
            assertEquals(++expect, e.seq(), "no gap");
            if (prev != null) {
                assertEquals(prev, e.prevHash());
            }
            assertEquals(AuditChain.hash(e), e.hash());
            prev = e.hash();
        }
        assertEquals(300, expect - headBefore);
        long claimed = await(db.pool().query("SELECT count(*) AS n FROM replay_guard WHERE jti LIKE 'ok-%'").execute())
                .iterator().next().getLong("n");
        assertEquals(300, claimed);
        assertEquals(300, claims.statements.stream().mapToInt(Integer::intValue).sum());
        assertEquals(groups.size(), claims.statements.size(), "one insert per group for all its members' rows");
    }

    @Test
    void aFailingMemberFailsAloneAndLeavesNoEvent() throws Exception {
        await(audit.appendGrouped(db.pool(), record("first"), claims, "dup"));
        List<Future<AuditEvent>> group = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            // the tenth repeats a primary key: its transaction must fail, and only its own
            group.add(audit.appendGrouped(db.pool(), record("m" + i), claims, i == 10 ? "dup" : "member-" + i));
        }
        for (int i = 0; i < group.size(); i++) {
            Future<AuditEvent> f = group.get(i);
            try {
                await(f);
            } catch (Exception ignored) {
                // judged below
            }
            assertEquals(i != 10, f.succeeded(), "member " + i);
        }
        long events = await(db.pool().preparedQuery("SELECT count(*) AS n FROM audit_events WHERE target = $1")
                .execute(Tuple.of("m10"))).iterator().next().getLong("n");
        assertEquals(0, events, "the failed member's event was not committed");
        long others = await(db.pool().query("SELECT count(*) AS n FROM audit_events WHERE target LIKE 'm%'")
                .execute()).iterator().next().getLong("n");
        assertEquals(19, others);
    }

    /**
     * A group is chained to the head this process last left. When another writer (another instance, or an admin
     * change appending in its own transaction) moved the head since, that attempt must commit nothing, neither the
     * events nor the rows written with them, and the group must then land once, linked to the true head.
     */
    @Test
    void aHeadMovedByAnotherWriterIsNoticedAndTheGroupLandsOnceOnTheTrueHead() throws Exception {
        AuditLog otherInstance = new AuditLog();
        for (int round = 0; round < 5; round++) {
            await(audit.appendGrouped(db.pool(), record("own-" + round), claims, "moved-own-" + round));
            long before = await(AuditLog.headSeq(db.pool()));
            AuditRecord elsewhere = record("other-" + round);
            AuditEvent other = round % 2 == 0
                    ? await(db.pool().withTransaction(tx -> otherInstance.append(tx, elsewhere)))
                    : await(otherInstance.appendGrouped(db.pool(), record("other-" + round), claims, "moved-other-" + round));
            assertEquals(before + 1, other.seq());
            AuditEvent next = await(audit.appendGrouped(db.pool(), record("next-" + round), claims, "moved-next-" + round));
            assertEquals(before + 2, next.seq(), "appended after the other writer's event");
            assertEquals(other.hash(), next.prevHash(), "linked to the true head, not the one this process left");
            long claimed = await(db.pool().preparedQuery("SELECT count(*) AS n FROM replay_guard WHERE jti = $1")
                    .execute(Tuple.of("moved-next-" + round))).iterator().next().getLong("n");
            assertEquals(1, claimed, "the row written with the group is committed once");
        }
        ChainVerification v = await(ChainVerification.run(db.pool()));
        assertTrue(v.valid(), v.toString());
    }

    /**
     * The next group is sent as soon as the one before holds the head, while that one still commits. It must wait
     * for that commit and land where it was chained, not be refused as if the head had moved: a deferred trigger
     * holds the first group's commit open for a moment, so the second always arrives during it.
     */
    @Test
    void aGroupSentWhileTheOneBeforeCommitsWaitsForItInsteadOfBeingRefused() throws Exception {
        await(db.pool().query("""
                CREATE FUNCTION slow_commit_for_test() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF NEW.target = 'slow-commit' THEN PERFORM pg_sleep(0.5); END IF;
                    RETURN NULL;
                END $$""").execute());
        await(db.pool().query("CREATE CONSTRAINT TRIGGER slow_commit_for_test AFTER INSERT ON audit_events "
                + "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION slow_commit_for_test()").execute());
        try {
            await(audit.appendGrouped(db.pool(), record("warm"), claims, "slow-warm"));
            int statementsBefore = claims.statements.size();
            Future<AuditEvent> first = audit.appendGrouped(db.pool(), record("slow-commit"), claims, "slow-first");
            Future<AuditEvent> second = audit.appendGrouped(db.pool(), record("during-commit"), claims, "slow-second");
            AuditEvent a = await(first);
            AuditEvent b = await(second);
            assertEquals(a.seq() + 1, b.seq());
            assertEquals(a.hash(), b.prevHash());
            assertEquals(2, claims.statements.size() - statementsBefore,
                    "each group written once: the second was not refused and written again under the lock");
        } finally {
            await(db.pool().query("DROP TRIGGER slow_commit_for_test ON audit_events").execute());
            await(db.pool().query("DROP FUNCTION slow_commit_for_test()").execute());
        }
        ChainVerification v = await(ChainVerification.run(db.pool()));
        assertTrue(v.valid(), v.toString());
    }

    /** Verification reads one snapshot: appends committing while it walks the chain never make it report a break. */
    @Test
    void verificationDuringAppendsAlwaysSeesAConsistentChain() throws Exception {
        List<Future<AuditEvent>> appends = new ArrayList<>();
        List<Future<ChainVerification>> checks = new ArrayList<>();
        for (int round = 0; round < 30; round++) {
            for (int i = 0; i < 20; i++) {
                appends.add(audit.appendAlone(db.pool(), record("v" + round + "-" + i)));
            }
            checks.add(ChainVerification.run(db.pool()));
        }
        for (Future<AuditEvent> a : appends) {
            await(a);
        }
        for (Future<ChainVerification> c : checks) {
            ChainVerification v = await(c);
            assertTrue(v.valid(), v.toString());
            assertEquals(v.eventsChecked(), v.lastSeq());
        }
        assertTrue(await(ChainVerification.run(db.pool())).valid());
    }

    /**
     * Batches (the decision log's) share the group commit with single appends: each batch lands consecutively and in
     * order, one larger than a group still commits whole, and the chain stays gap-free.
     */
    @Test
    void batchesAndSingleAppendsShareOneQueue() throws Exception {
        long headBefore = await(AuditLog.headSeq(db.pool()));
        List<Future<List<AuditEvent>>> batches = new ArrayList<>();
        List<Future<AuditEvent>> singles = new ArrayList<>();
        int[] sizes = {AuditLog.MAX_GROUP_RECORDS + 100, 100, 100, 100};
        for (int b = 0; b < sizes.length; b++) {
            List<AuditRecord> batch = new ArrayList<>();
            for (int i = 0; i < sizes[b]; i++) {
                batch.add(record("b" + b + "-" + i));
            }
            batches.add(audit.appendAllGrouped(db.pool(), batch));
            for (int i = 0; i < 15; i++) {
                singles.add(audit.appendGrouped(db.pool(), record("s" + b + "-" + i), claims, "batch-single-" + b + "-" + i));
            }
        }
        int total = 0;
        for (int b = 0; b < sizes.length; b++) {
            List<AuditEvent> events = await(batches.get(b));
            assertEquals(sizes[b], events.size());
            for (int i = 0; i < events.size(); i++) {
                assertEquals("b" + b + "-" + i, events.get(i).target(), "in order");
                assertEquals(events.get(0).seq() + i, events.get(i).seq(), "consecutive");
            }
            total += sizes[b];
        }
        for (int i = 0; i < singles.size(); i++) {
            assertEquals("s" + (i / 15) + "-" + (i % 15), await(singles.get(i)).target());
        }
        total += singles.size();
        assertEquals(headBefore + total, await(AuditLog.headSeq(db.pool())));
        ChainVerification v = await(ChainVerification.run(db.pool()));
        assertTrue(v.valid(), v.toString());
        assertTrue(await(audit.appendAllGrouped(db.pool(), List.of())).isEmpty());
    }
}
