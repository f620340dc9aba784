package dev.lanyard.server.approvals;

import dev.lanyard.server.directory.Rows;
import dev.lanyard.server.http.Cursor;
import dev.lanyard.server.http.Ids;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

/** The approvals table: one PENDING request per (agent, resource, scopes); lapsed requests become EXPIRED. */
public final class ApprovalStore {
    /** How long a PENDING request waits for someone to decide. */
    static final Duration REQUEST_LIFETIME = Duration.ofHours(24);

    /** The PENDING request for exactly these scopes, lapsing it first if nobody decided in time. */
    public Future<Optional<Approval>> pending(SqlClient tx, String agentId, String resource, List<String> scopes) {
        String[] s = scopes.toArray(new String[0]);
        return tx.preparedQuery("UPDATE approvals SET status = 'EXPIRED', version = version + 1 WHERE agent_id = $1 "
                        + "AND resource = $2 AND scopes = $3 AND status = 'PENDING' AND request_expires_at <= now()")
                .execute(Tuple.of(agentId, resource, s))
                .compose(v -> tx.preparedQuery("SELECT * FROM approvals WHERE agent_id = $1 AND resource = $2 "
                        + "AND scopes = $3 AND status = 'PENDING'").execute(Tuple.of(agentId, resource, s)))
                .map(rows -> Rows.first(rows, Approval::of));
    }

    /** Inserts a PENDING request, or returns the one a concurrent request created a moment ago. */
    public Future<Approval> request(SqlClient tx, String agentId, String resource, List<String> scopes,
                                    String grantType, List<String> reasons) {
        Instant now = Instant.now();
        return tx.preparedQuery("INSERT INTO approvals (id, agent_id, resource, scopes, grant_type, reasons, status, "
                        + "requested_at, request_expires_at) VALUES ($1, $2, $3, $4, $5, $6, 'PENDING', $7, $8) "
                        + "ON CONFLICT (agent_id, resource, scopes) WHERE status = 'PENDING' DO UPDATE SET version = "
                        + "approvals.version RETURNING *")
                .execute(Tuple.of(Ids.next("apr"), agentId, resource, scopes.toArray(new String[0]), grantType,
                        reasons.toArray(new String[0]), now.atOffset(ZoneOffset.UTC),
                        now.plus(REQUEST_LIFETIME).atOffset(ZoneOffset.UTC)))
                .map(rows -> Approval.of(rows.iterator().next()));
    }

    public Future<Optional<Approval>> get(SqlClient db, String id, boolean lock) {
        return db.preparedQuery("SELECT * FROM approvals WHERE id = $1" + (lock ? " FOR UPDATE" : ""))
                .execute(Tuple.of(id)).map(rows -> Rows.first(rows, Approval::of));
    }

    public Future<Approval> decide(SqlClient tx, String id, String status, String by, String note, Instant expiresAt) {
        return tx.preparedQuery("UPDATE approvals SET status = $2, decided_at = now(), decided_by = $3, "
                        + "decision_note = $4, expires_at = $5, version = version + 1 WHERE id = $1 RETURNING *")
                .execute(Tuple.of(id, status, by, note, expiresAt == null ? null : expiresAt.atOffset(ZoneOffset.UTC)))
                .map(rows -> Approval.of(rows.iterator().next()));
    }

    /** Whether {@code userId} is one of the agent's owners. */
    public Future<Boolean> ownedBy(SqlClient db, String agentId, String userId) {
        return db.preparedQuery("SELECT 1 FROM agent_owners WHERE agent_id = $1 AND user_id = $2")
                .execute(Tuple.of(agentId, userId)).map(rows -> rows.size() > 0);
    }

    /** {@code ownerId}: only approvals of agents this user owns (null: all). */
    public record Filter(String status, String agentId, String ownerId) {}

    public Future<List<Approval>> list(SqlClient db, Cursor cursor, Filter f) {
        return db.preparedQuery("SELECT * FROM approvals WHERE seq > $1 AND ($2::text IS NULL OR status = $2) "
                        + "AND ($3::text IS NULL OR agent_id = $3) AND ($5::text IS NULL OR agent_id IN "
                        + "(SELECT agent_id FROM agent_owners WHERE user_id = $5)) ORDER BY seq LIMIT $4")
                .execute(Tuple.of(cursor.afterSeq(), f.status(), f.agentId(), cursor.limit(), f.ownerId()))
                .map(rows -> Rows.all(rows, Approval::of));
    }
}
