package dev.lanyard.server.audit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lanyard.server.http.Ids;
import dev.lanyard.server.http.Json;
import dev.lanyard.server.store.StatementBatcher;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Appends audit events inside the caller's transaction, so an event exists if and only if the change it describes
 * was committed. Locking the chain's head row serialises appenders across server instances; the NOTIFY
 * ({@code "<seq>:<target>"}) is delivered at commit, which is what wakes the live streams and evicts caches.
 */
public final class AuditLog {
    public static final String CHANNEL = "lanyard_audit";

    /**
     * Takes the chain's lock without appending: a writer that must decide what to append from what the trail already
     * holds takes it first, so no other writer can append the same thing in between.
     */
    public static final String LOCK_CHAIN = "SELECT seq FROM audit_head WHERE id = 1 FOR UPDATE";
    private static final String LOCK_HEAD = "UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash";
    private static final String INSERT = """
            WITH e AS (
              INSERT INTO audit_events (seq, event_id, time, type, actor, target, outcome, request_id, client_ip,
                                        details, prev_hash, hash)
              VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
            ), h AS (
              UPDATE audit_head SET hash = $12 WHERE id = 1
            )
            SELECT pg_notify('lanyard_audit', $1::text || ':' || coalesce($6, ''))""";

    public Future<AuditEvent> append(SqlConnection tx, AuditRecord record) {
        return tx.preparedQuery(LOCK_HEAD).execute().compose(rows -> {
            Row head = rows.iterator().next();
            Chained e = chain(head.getLong("seq"), head.getString("hash"), AuditChain.truncate(Instant.now()), record);
            return tx.preparedQuery(INSERT).execute(e.params()).map(v -> e.event());
        });
    }

    /** An event linked to its predecessor's hash, with its details as stored (the canonical text that was hashed). */
    private record Chained(AuditEvent event, String canonicalDetails) {
        /** The parameters of its INSERT, in column order. */
        Tuple params() {
            AuditEvent e = event;
            return Tuple.tuple()
                    .addLong(e.seq()).addString(e.eventId()).addOffsetDateTime(e.time().atOffset(ZoneOffset.UTC))
                    .addString(e.type()).addString(e.actor()).addString(e.target())
                    .addString(e.outcome()).addString(e.requestId()).addString(e.clientIp())
                    .addString(canonicalDetails).addString(e.prevHash()).addString(e.hash());
        }
    }

    /**
     * The plain columns are made storable first (an agent id reported by an adapter, or a client id taken from an
     * unverified assertion, may hold a NUL or a lone surrogate): what is hashed must be exactly what PostgreSQL stores
     * and gives back, and a value it refuses would fail the whole group's transaction.
     */
    private static Chained chain(long seq, String prevHash, Instant time, AuditRecord record) {
        String eventId = AuditChain.storable(record.eventId() != null ? record.eventId() : Ids.next("evt"));
        String type = AuditChain.storable(record.type());
        String actor = AuditChain.storable(record.actor());
        String target = AuditChain.storable(record.target());
        String outcome = AuditChain.storable(record.outcome());
        String requestId = AuditChain.storable(record.requestId());
        String clientIp = AuditChain.storable(record.clientIp());
        ObjectNode details = record.details() == null ? AuditRecord.fields() : record.details();
        String canonicalDetails = record.canonicalText();
        String hash = AuditChain.hash(seq, eventId, time, type, actor, target, outcome, requestId, clientIp,
                canonicalDetails, prevHash);
        return new Chained(new AuditEvent(seq, eventId, time, type, actor, target, outcome, requestId, clientIp,
                details, prevHash, hash), canonicalDetails);
    }

    private static final String LOCK_HEAD_N = "UPDATE audit_head SET seq = seq + $1 WHERE id = 1 RETURNING seq, hash";
    /**
     * A batch's rows in one statement (column arrays unnested in order), the head's new hash and the notification:
     * one round trip and one executor run for the whole batch instead of one per event.
     */
    private static final String INSERT_EVENTS = """
            WITH e AS (
              INSERT INTO audit_events (seq, event_id, time, type, actor, target, outcome, request_id, client_ip,
                                        details, prev_hash, hash)
              SELECT * FROM unnest($1::bigint[], $2::text[], $3::timestamptz[], $4::text[], $5::text[], $6::text[],
                                   $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[])
            )""";
    private static final String INSERT_ALL = INSERT_EVENTS + """
            , h AS (
              UPDATE audit_head SET hash = $14 WHERE id = 1
            )
            SELECT pg_notify('lanyard_audit', $13::text || ':')""";

    /**
     * Appends many events with one lock of the head and one notification, for high-volume records (decision log,
     * tool calls) whose per-event round trips would otherwise serialise every appender behind the chain's head.
     */
    public Future<List<AuditEvent>> appendAll(SqlConnection tx, List<AuditRecord> records) {
        if (records.isEmpty()) {
            return Future.succeededFuture(List.of());
        }
        return tx.preparedQuery(LOCK_HEAD_N).execute(Tuple.of(records.size())).compose(rows -> {
            Row head = rows.iterator().next();
            Batch batch = Batch.chain(new Head(head.getLong("seq") - records.size(), head.getString("hash")), records);
            return tx.preparedQuery(INSERT_ALL).execute(batch.params().addString(batch.tip().hash()))
                    .map(v -> batch.events());
        });
    }

    /**
     * Like {@link #INSERT_ALL}, for a writer that chained the batch to the head it last saw instead of locking it
     * first: {@code audit_head_advance} moves the head only from there, and fails the statement (serialization_failure)
     * if another writer moved it since.
     */
    private static final String INSERT_ALL_AFTER = INSERT_EVENTS + """
            , h AS (
              SELECT audit_head_advance($14, $15, $16, $17) AS moved
            )
            SELECT pg_notify('lanyard_audit', $13::text || ':') FROM h""";

    /** The chain's tip: the last event's sequence number and hash. */
    record Head(long seq, String hash) {}

    /** Records chained after a head, up to a new tip, with the columns of their insert. */
    private record Batch(List<AuditEvent> events, Head after, Head tip, Tuple params) {
        /** The parameters $1 to $13 of {@link #INSERT_ALL} and {@link #INSERT_ALL_AFTER}: column arrays, last seq. */
        static Batch chain(Head after, List<AuditRecord> records) {
            long seq = after.seq();
            String prevHash = after.hash();
            Instant time = AuditChain.truncate(Instant.now());
            int n = records.size();
            List<AuditEvent> events = new ArrayList<>(n);
            Long[] seqs = new Long[n];
            OffsetDateTime[] times = new OffsetDateTime[n];
            String[][] text = new String[10][n];
            for (int i = 0; i < n; i++) {
                Chained c = AuditLog.chain(++seq, prevHash, time, records.get(i));
                AuditEvent e = c.event();
                events.add(e);
                seqs[i] = e.seq();
                times[i] = e.time().atOffset(ZoneOffset.UTC);
                String[] row = {e.eventId(), e.type(), e.actor(), e.target(), e.outcome(), e.requestId(), e.clientIp(),
                        c.canonicalDetails(), e.prevHash(), e.hash()};
                for (int col = 0; col < row.length; col++) {
                    text[col][i] = row[col];
                }
                prevHash = e.hash();
            }
            Tuple params = Tuple.tuple().addArrayOfLong(seqs).addArrayOfString(text[0])
                    .addArrayOfOffsetDateTime(times);
            for (int col = 1; col < text.length; col++) {
                params.addArrayOfString(text[col]);
            }
            return new Batch(events, after, new Head(seq, prevHash), params.addString(Long.toString(seq)));
        }
    }

    /** For events that stand alone (a failed authentication changes nothing else); written by {@link #appendGrouped}. */
    public Future<AuditEvent> appendAlone(Pool pool, AuditRecord record) {
        return enqueue(pool, List.of(record), null).map(events -> events.get(0));
    }

    /** A row to write with a member's records; null: none. */
    private record Alongside(GroupedRows<Object> table, Object row) {}

    /**
     * One member of a group commit: its records, its row of another table, and where its future completes
     * ({@code context} is the caller's; null: any thread).
     */
    private record Pending(Pool pool, List<AuditRecord> records, Alongside alongside,
                           Context context, Promise<List<AuditEvent>> done) {
        void finish(AsyncResult<List<AuditEvent>> result) {
            StatementBatcher.complete(context, done, result);
        }
    }

    /** Records per group: bounds how long one group holds the chain's head, and so what the next group waits. */
    public static final int MAX_GROUP_RECORDS = 500;
    private final ConcurrentLinkedQueue<Pending> pending = new ConcurrentLinkedQueue<>();

    /**
     * Group commit: appends {@code record} and inserts {@code row} into {@code table} in the same transaction, and
     * completes once both are committed. Appends that arrive while a group is being written go together into the
     * next one: one transaction, one lock of the chain's head, one NOTIFY, and one insert per table for all of them.
     * Holding the head's lock per event, across the client round trips of the insert and the commit, is what capped
     * busy token endpoints at a few hundred issuances a second. If a group fails, each of its members is retried
     * alone, so one bad write fails only its own caller.
     */
    @SuppressWarnings("unchecked")
    public <T> Future<AuditEvent> appendGrouped(Pool pool, AuditRecord record, GroupedRows<T> table, T row) {
        return enqueue(pool, List.of(record), new Alongside((GroupedRows<Object>) table, row)).map(events -> events.get(0));
    }

    /**
     * Appends {@code records} (in order, consecutively) through the same group commit as {@link #appendGrouped}, so
     * that every writer of this process takes its turn at the chain's head in one queue instead of waiting on its
     * lock: a large batch written in a transaction of its own would hold the lock for its whole insert while token
     * issuances wait behind it. Batches of at most {@link #MAX_GROUP_RECORDS} keep each group short.
     */
    public Future<List<AuditEvent>> appendAllGrouped(Pool pool, List<AuditRecord> records) {
        if (records.isEmpty()) {
            return Future.succeededFuture(List.of());
        }
        return enqueue(pool, List.copyOf(records), null);
    }

    private Future<List<AuditEvent>> enqueue(Pool pool, List<AuditRecord> records, Alongside alongside) {
        Promise<List<AuditEvent>> done = Promise.promise();
        pending.add(new Pending(pool, records, alongside, Vertx.currentContext(), done));
        writeNextGroup();
        return done.future();
    }

    /**
     * Groups in flight at once. While one group's commit waits for its log flush, the next is already sent, chained
     * to the tip the first will leave; PostgreSQL holds it at the head's row lock until the first commits, and refuses
     * it (head moved) if the first did not.
     */
    static final int MAX_GROUPS_IN_FLIGHT = 2;
    /** Guards {@link #groupsInFlight} and {@link #sentTip}: taken briefly, to pick and chain the next group. */
    private final Object dispatch = new Object();
    private int groupsInFlight;
    /**
     * Where the chain's head will be once every group in flight has committed, as far as this process knows; null
     * when unknown (at start, after any failure): the next group then takes the head's lock, alone.
     */
    private Head sentTip;
    /** The group sent last, until its append is done and it holds the head's lock; null from then on. */
    private Dispatched beforeHead;

    /** A group picked for writing: its members, and, when chained ahead of time, the batch to send. */
    private record Dispatched(List<Pending> group, Members members, Batch batch) {}

    private void writeNextGroup() {
        Dispatched next;
        synchronized (dispatch) {
            // a group goes ahead of the one in flight only once that one holds the head: sent earlier, it could
            // reach the head first, find it not yet moved, and be refused
            boolean free = groupsInFlight == 0
                    || (sentTip != null && groupsInFlight < MAX_GROUPS_IN_FLIGHT && beforeHead == null);
            if (!free || pending.isEmpty()) {
                return;
            }
            List<Pending> group = new ArrayList<>();
            int records = 0;
            for (Pending p = pending.peek(); p != null && (group.isEmpty() || (records + p.records().size()
                    <= MAX_GROUP_RECORDS && p.pool() == group.get(0).pool())); p = pending.peek()) {
                group.add(pending.poll());
                records += p.records().size();
            }
            if (group.isEmpty()) {
                return;
            }
            groupsInFlight++;
            Members members = Members.of(group);
            Batch batch = sentTip == null ? null : Batch.chain(sentTip, members.records());
            next = new Dispatched(group, members, batch);
            if (batch != null) {
                sentTip = batch.tip();
            }
            beforeHead = next;
        }
        Pool pool = next.group().get(0).pool();
        commit(pool, next).onComplete(ar -> {
            synchronized (dispatch) {
                groupsInFlight--;
                if (ar.failed()) {
                    sentTip = null;
                } else if (next.batch() == null && groupsInFlight == 0) {
                    // written under the lock, alone: its last event is the head
                    List<AuditEvent> events = ar.result();
                    AuditEvent last = events.get(events.size() - 1);
                    sentTip = new Head(last.seq(), last.hash());
                }
            }
            List<Pending> group = next.group();
            if (ar.succeeded()) {
                int from = 0;
                for (Pending p : group) {
                    int to = from + p.records().size();
                    p.finish(Future.succeededFuture(ar.result().subList(from, to)));
                    from = to;
                }
            } else if (group.size() == 1) {
                group.get(0).finish(Future.failedFuture(ar.cause()));
            } else {
                for (Pending p : group) {
                    locked(pool, Members.of(List.of(p))).onComplete(p::finish);
                }
            }
            writeNextGroup();
        });
    }

    /**
     * A group chained ahead of time goes in one round trip (BEGIN, the members' rows, the append, COMMIT, pipelined
     * on one connection). If the head was not where this process expected (another instance or an admin change moved
     * it, or the group before failed), that transaction fails whole and the group is written again under the head's
     * lock, which always makes progress.
     */
    private Future<List<AuditEvent>> commit(Pool pool, Dispatched d) {
        if (d.batch() == null) {
            return locked(pool, d.members());
        }
        return pool.getConnection()
                .compose(conn -> pipelined(conn, d).eventually(conn::close))
                .recover(e -> {
                    if (!headMoved(e)) {
                        return Future.failedFuture(e);
                    }
                    synchronized (dispatch) {
                        // groups chained after this one are stale too; the next goes under the lock, alone
                        sentTip = null;
                    }
                    return locked(pool, d.members());
                });
    }

    private Future<List<AuditEvent>> locked(Pool pool, Members members) {
        return pool.withTransaction(tx -> writeGroup(tx, members));
    }

    static boolean headMoved(Throwable e) {
        return e instanceof PgException pg && "40001".equals(pg.getSqlState())
                && String.valueOf(pg.getErrorMessage()).contains("audit chain head moved");
    }

    /**
     * Nothing is committed unless every statement succeeded: after a failed statement PostgreSQL refuses the rest of
     * the transaction and turns its COMMIT into a rollback. All results are awaited before the connection goes back.
     */
    private Future<List<AuditEvent>> pipelined(SqlConnection conn, Dispatched d) {
        Batch batch = d.batch();
        List<Future<?>> steps = new ArrayList<>();
        steps.add(conn.query("BEGIN").execute());
        d.members().tables().forEach((table, rows) -> steps.add(table.insertAll(conn, rows)));
        steps.add(conn.preparedQuery(INSERT_ALL_AFTER).execute(batch.params()
                        .addLong(batch.after().seq()).addString(batch.after().hash())
                        .addLong(batch.tip().seq()).addString(batch.tip().hash()))
                // this group now holds the head's row lock until it commits: the next group may be sent, and waits
                // at that lock while this commit's log flush runs
                .onSuccess(appended -> {
                    synchronized (dispatch) {
                        if (beforeHead == d) {
                            beforeHead = null;
                        }
                    }
                    writeNextGroup();
                }));
        steps.add(conn.query("COMMIT").execute());
        return Future.join(steps).map(v -> batch.events());
    }

    /** A group's records in order, and the rows each table receives with them. */
    private record Members(List<AuditRecord> records, Map<GroupedRows<Object>, List<Object>> tables) {
        static Members of(List<Pending> group) {
            Map<GroupedRows<Object>, List<Object>> tables = new LinkedHashMap<>();
            List<AuditRecord> records = new ArrayList<>();
            for (Pending p : group) {
                if (p.alongside() != null) {
                    tables.computeIfAbsent(p.alongside().table(), t -> new ArrayList<>()).add(p.alongside().row());
                }
                records.addAll(p.records());
            }
            return new Members(records, tables);
        }
    }

    /**
     * Under the head's lock, in a transaction of its own: the members' rows (one statement per table) and the chained
     * append are sent at once, pipelined on the transaction's connection. Any failure aborts the transaction, so
     * nothing is committed unless all of it is.
     */
    private Future<List<AuditEvent>> writeGroup(SqlConnection tx, Members members) {
        List<Future<?>> steps = new ArrayList<>(members.tables().size() + 1);
        members.tables().forEach((table, rows) -> steps.add(table.insertAll(tx, rows)));
        Future<List<AuditEvent>> appended = appendAll(tx, members.records());
        steps.add(appended);
        return Future.all(steps).map(v -> appended.result());
    }

    static AuditEvent fromRow(Row row) {
        OffsetDateTime time = row.getOffsetDateTime("time");
        return new AuditEvent(row.getLong("seq"), row.getString("event_id"), time.toInstant(),
                row.getString("type"), row.getString("actor"), row.getString("target"), row.getString("outcome"),
                row.getString("request_id"), row.getString("client_ip"), Json.tree(row.getString("details")),
                row.getString("prev_hash"), row.getString("hash"));
    }

    static final String COLUMNS =
            "seq, event_id, time, type, actor, target, outcome, request_id, client_ip, details, prev_hash, hash";

    public static Future<Long> headSeq(SqlClient client) {
        return client.query("SELECT seq FROM audit_head WHERE id = 1").execute()
                .map(rows -> rows.iterator().next().getLong("seq"));
    }
}
