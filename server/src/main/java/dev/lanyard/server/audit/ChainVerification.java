package dev.lanyard.server.audit;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

/**
 * Walks the whole chain in pages and names the first broken link: a row whose hash does not match its content, a
 * prev_hash that does not match the event before it, a gap in the sequence (a deleted row), or a head that points
 * past the last stored event (a truncated tail).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ChainVerification(
        boolean valid,
        @JsonProperty("events_checked") long eventsChecked,
        @JsonProperty("last_seq") long lastSeq,
        @JsonProperty("first_broken_seq") Long firstBrokenSeq,
        String problem) {

    private static final int PAGE = 1000;

    /**
     * Verifies in one REPEATABLE READ snapshot: the head and every page are read as of the same moment, so events
     * committed while the walk runs are simply not seen (reading them in separate snapshots reported "the chain ends at
     * N but the head says N+1" under load).
     */
    public static Future<ChainVerification> run(Pool pool) {
        return pool.withTransaction(tx -> tx.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                .execute().compose(v -> walk(tx)));
    }

    private static Future<ChainVerification> walk(SqlClient client) {
        return AuditLog.headSeq(client).compose(head -> {
            Promise<ChainVerification> done = Promise.promise();
            page(client, head, 0, AuditChain.GENESIS, 0, done);
            return done.future();
        });
    }

    private static void page(SqlClient client, long head, long afterSeq, String prevHash, long checked,
                             Promise<ChainVerification> done) {
        client.preparedQuery("SELECT " + AuditLog.COLUMNS + " FROM audit_events WHERE seq > $1 ORDER BY seq LIMIT $2")
                .execute(Tuple.of(afterSeq, PAGE))
                .onFailure(done::fail)
                .onSuccess(rows -> {
                    long expected = afterSeq + 1;
                    String prev = prevHash;
                    long count = checked;
                    for (Row row : rows) {
                        AuditEvent e = AuditLog.fromRow(row);
                        if (e.seq() != expected) {
                            done.complete(broken(count, expected, "event " + expected + " is missing"));
                            return;
                        }
                        if (!e.prevHash().equals(prev)) {
                            done.complete(broken(count, e.seq(), "prev_hash does not match the hash of event " + (e.seq() - 1)));
                            return;
                        }
                        if (!AuditChain.hash(e).equals(e.hash())) {
                            done.complete(broken(count, e.seq(), "stored content does not match its hash"));
                            return;
                        }
                        prev = e.hash();
                        expected++;
                        count++;
                    }
                    if (rows.size() == PAGE) {
                        page(client, head, expected - 1, prev, count, done);
                    } else if (expected - 1 != head) {
                        done.complete(broken(count, expected, "the chain ends at " + (expected - 1)
                                + " but the head says " + head));
                    } else {
                        done.complete(new ChainVerification(true, count, head, null, null));
                    }
                });
    }

    private static ChainVerification broken(long checked, long seq, String problem) {
        return new ChainVerification(false, checked, seq - 1, seq, problem);
    }
}
