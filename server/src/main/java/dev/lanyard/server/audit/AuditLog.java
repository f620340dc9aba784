package dev.lanyard.server.audit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lanyard.server.http.Ids;
import dev.lanyard.server.http.Json;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Appends audit events inside the caller's transaction, so an event exists if and only if the change it describes
 * was committed. Locking the chain's head row serialises appenders across server instances; the NOTIFY
 * ({@code "<seq>:<target>"}) is delivered at commit, which is what wakes the live streams and evicts caches.
 */
public final class AuditLog {
    public static final String CHANNEL = "lanyard_audit";

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

    /** An event linked to its predecessor's hash, with the parameters of its INSERT (in column order). */
    private record Chained(AuditEvent event, Tuple params) {}

    private static Chained chain(long seq, String prevHash, Instant time, AuditRecord record) {
        String eventId = Ids.next("evt");
        ObjectNode details = record.details() == null ? AuditRecord.fields() : record.details();
        String canonicalDetails = AuditChain.canonicalDetails(details);
        String hash = AuditChain.hash(seq, eventId, time, record.type(), record.actor(), record.target(),
                record.outcome(), record.requestId(), record.clientIp(), canonicalDetails, prevHash);
        Tuple params = Tuple.tuple()
                .addLong(seq).addString(eventId).addOffsetDateTime(time.atOffset(ZoneOffset.UTC))
                .addString(record.type()).addString(record.actor()).addString(record.target())
                .addString(record.outcome()).addString(record.requestId()).addString(record.clientIp())
                .addString(canonicalDetails).addString(prevHash).addString(hash);
        return new Chained(new AuditEvent(seq, eventId, time, record.type(), record.actor(), record.target(),
                record.outcome(), record.requestId(), record.clientIp(), details, prevHash, hash), params);
    }

    private static final String LOCK_HEAD_N = "UPDATE audit_head SET seq = seq + $1 WHERE id = 1 RETURNING seq, hash";
    private static final String INSERT_ONE = """
            INSERT INTO audit_events (seq, event_id, time, type, actor, target, outcome, request_id, client_ip,
                                      details, prev_hash, hash)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)""";
    private static final String CLOSE_BATCH =
            "WITH h AS (UPDATE audit_head SET hash = $2 WHERE id = 1) SELECT pg_notify('lanyard_audit', $1::text || ':')";

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
            long seq = head.getLong("seq") - records.size();
            String prevHash = head.getString("hash");
            Instant time = AuditChain.truncate(Instant.now());
            List<AuditEvent> events = new ArrayList<>(records.size());
            List<Tuple> batch = new ArrayList<>(records.size());
            for (AuditRecord record : records) {
                Chained e = chain(++seq, prevHash, time, record);
                batch.add(e.params());
                events.add(e.event());
                prevHash = e.event().hash();
            }
            long last = seq;
            String lastHash = prevHash;
            return tx.preparedQuery(INSERT_ONE).executeBatch(batch)
                    .compose(v -> tx.preparedQuery(CLOSE_BATCH).execute(Tuple.of(Long.toString(last), lastHash)))
                    .map(v -> events);
        });
    }

    /** For events that stand alone (a failed authentication changes nothing else). */
    public Future<AuditEvent> appendAlone(io.vertx.sqlclient.Pool pool, AuditRecord record) {
        return pool.withTransaction(tx -> append(tx, record));
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
