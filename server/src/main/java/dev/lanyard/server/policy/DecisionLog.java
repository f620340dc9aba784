package dev.lanyard.server.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lanyard.server.audit.AuditLog;
import dev.lanyard.server.audit.AuditRecord;
import dev.lanyard.server.oauth.OAuthException;
import dev.lanyard.server.store.Database;
import dev.lanyard.server.store.StatementBatcher;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every policy decision, recorded in the audit trail as a {@code policy.decision} event whose target is the decision
 * id — so decisions are queried ({@code /api/v1/audit/events?type=policy.decision&target=dec_…}), hash-chained and
 * streamed exactly like the rest of the trail. Decisions are buffered and appended in batches through the audit log's
 * group commit ({@link AuditLog#appendAllGrouped}), because a per-decision transaction would cap the Data API at the
 * audit chain's append rate.
 *
 * <p>Nothing is dropped. The buffer is bounded by back-pressure instead: while fewer than a quarter of
 * {@code backlog} decisions are unwritten they are answered at once; beyond that, {@link #record} completes only once
 * that decision is written, so callers are slowed to the pace of the database; at {@code backlog} the log is
 * {@link #overloaded()} and callers refuse new decisions before making them. A batch that cannot be written is retried, in order, until it is; {@link #flush()} completes
 * once everything recorded before it is in the database, which is what shutdown waits for.
 */
public final class DecisionLog {
    private static final Logger LOG = LoggerFactory.getLogger(DecisionLog.class);
    /** Half a group commit: a batch never has a group to itself for long, so token issuances interleave. */
    static final int MAX_BATCH = AuditLog.MAX_GROUP_RECORDS / 2;
    private static final long FLUSH_MILLIS = 50;
    /** How long after its first flush {@link #close()} waits for decisions still being made to be recorded. */
    private static final long LATE_RECORD_MILLIS = 100;
    /** How long a caller waits for its decision to be written, past the high-water mark, before giving up. */
    static final long WAIT_MILLIS = 10_000;

    private final Vertx vertx;
    private final Database db;
    private final AuditLog audit;
    /** Unwritten decisions answered without waiting (the default: about a second of the Data API's peak here). */
    private final int highWater;
    /** Unwritten decisions at which new ones are refused rather than queued (bounds memory, and shutdown's flush). */
    private final int limit;
    private final long waitMillis;
    private final ConcurrentLinkedQueue<Queued> buffer = new ConcurrentLinkedQueue<>();
    /** Records (not flush markers) queued and not yet written. */
    private final AtomicInteger buffered = new AtomicInteger();
    /** Held by the one writer; stays held across a failed batch's back-off, so batches keep their order. */
    private final AtomicBoolean writing = new AtomicBoolean();
    /** A batch whose write failed; only touched by the holder of {@link #writing}. */
    private List<Queued> retry;
    private final long timer;

    /** One decision as the log records it. {@code input} is redacted here, before it is buffered. */
    public record Entry(String decisionId, String path, JsonNode input, JsonNode result, String revision,
                        long latencyMicros, String actor, String requestId, String clientIp) {

        /** A token grant's decision: the agent is the actor, the request's address the client address. */
        static Entry token(String decisionId, dev.lanyard.server.oauth.TokenPolicyInput in, JsonNode inputTree,
                           JsonNode result, String revision, long latencyMicros) {
            return new Entry(decisionId, PolicyDecisionPoint.TOKEN_DECISION, inputTree, result, revision, latencyMicros,
                    "agent:" + in.agent().id(), null, in.request() == null ? null : in.request().ip());
        }
    }

    /** The log is too far behind to take this decision's record; the caller answers "try again shortly". */
    public static final class Behind extends RuntimeException {
        Behind(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * A queued record, or (record null) a flush marker. {@code written} is null for records answered at once; it is
     * completed on the caller's {@code context} once the record is in the database.
     */
    private record Queued(AuditRecord record, Promise<Void> written, Context context) {
        void markWritten() {
            if (written == null) {
                return;
            }
            StatementBatcher.complete(context, written, Future.succeededFuture());
        }
    }

    public DecisionLog(Vertx vertx, Database db, AuditLog audit, int backlog) {
        this(vertx, db, audit, backlog, WAIT_MILLIS);
    }

    DecisionLog(Vertx vertx, Database db, AuditLog audit, int backlog, long waitMillis) {
        this.vertx = vertx;
        this.db = db;
        this.audit = audit;
        this.limit = backlog;
        this.highWater = Math.max(1, backlog / 4);
        this.waitMillis = waitMillis;
        this.timer = vertx.setPeriodic(FLUSH_MILLIS, id -> kick());
    }

    /**
     * True when new decisions should be refused rather than made: the database is so far behind that their records
     * would not fit. Data API and token grants check it before evaluating.
     */
    public boolean overloaded() {
        return buffered.get() >= limit;
    }

    /**
     * Queues a decision's record. The future succeeds at once while the backlog is below the high-water mark;
     * beyond it, once this record is written, or fails with {@link Behind} if that takes longer than the wait limit
     * (10 s; the record stays queued and is still written).
     */
    public Future<Void> record(Entry e) {
        ObjectNode details = AuditRecord.fields();
        details.put("decision_id", e.decisionId()).put("path", e.path());
        details.set("input", e.input() == null ? null : Redaction.redact(e.input()));
        details.set("result", e.result());
        details.put("revision", e.revision()).put("latency_us", e.latencyMicros());
        boolean allowed = e.result() != null && e.result().path("allow").asBoolean(e.result().isBoolean() && e.result().asBoolean());
        AuditRecord record = new AuditRecord("policy.decision", e.actor(), e.decisionId(),
                allowed ? AuditRecord.SUCCESS : AuditRecord.DENY, e.requestId(), e.clientIp(), details).prepared();
        int backlog = buffered.incrementAndGet();
        if (backlog <= highWater) {
            buffer.add(new Queued(record, null, null));
            if (backlog >= MAX_BATCH) {
                kick();
            }
            return Future.succeededFuture();
        }
        Promise<Void> written = Promise.promise();
        buffer.add(new Queued(record, written, Vertx.currentContext()));
        kick();
        long wait = vertx.setTimer(waitMillis, id -> written.tryFail(
                new Behind("the decision log is behind; try again shortly")));
        return written.future().andThen(ar -> vertx.cancelTimer(wait));
    }

    /** {@link #record} for a token grant: a log too far behind refuses the grant as {@link #grantRefused()}. */
    public Future<Void> recordGrant(Entry e) {
        return record(e).recover(x -> Future.failedFuture(x instanceof Behind ? grantRefused() : x));
    }

    /** RFC 6749's {@code temporarily_unavailable}: what a grant answers while the log is {@link #overloaded()}. */
    public static OAuthException grantRefused() {
        return new OAuthException("temporarily_unavailable", "the decision log is behind; retry shortly", 503);
    }

    /** Decisions made but not yet in the database: a backlog that keeps growing means the database is behind. */
    public int pending() {
        return buffered.get();
    }

    /** Exposes {@link #pending()} on {@code /metrics}. */
    public void bindMetrics(MeterRegistry registry) {
        Gauge.builder("lanyard.decision.log.pending", this, DecisionLog::pending)
                .description("Policy decisions made but not yet written to the audit trail")
                .register(registry);
    }

    /** Completes once every decision recorded before this call is in the database. */
    public Future<Void> flush() {
        Promise<Void> done = Promise.promise();
        buffer.add(new Queued(null, done, null));
        kick();
        return done.future();
    }

    /** Starts the writer unless it is running (it then picks up whatever was queued meanwhile). */
    private void kick() {
        if (db.attached() && !buffer.isEmpty() && writing.compareAndSet(false, true)) {
            writeBatch();
        }
    }

    /** Runs while holding {@link #writing}: one batch, then the next, until the buffer is empty. */
    private void writeBatch() {
        List<Queued> batch = retry;
        retry = null;
        if (batch == null) {
            batch = new ArrayList<>();
            int records = 0;
            Queued q;
            while (records < MAX_BATCH && (q = buffer.poll()) != null) {
                batch.add(q);
                if (q.record() != null) {
                    records++;
                }
            }
        }
        if (batch.isEmpty()) {
            writing.set(false);
            // a record queued after the poll above and before the release would otherwise wait for the timer
            kick();
            return;
        }
        List<Queued> writingNow = batch;
        List<AuditRecord> records = new ArrayList<>(writingNow.size());
        for (Queued q : writingNow) {
            if (q.record() != null) {
                records.add(q.record());
            }
        }
        audit.appendAllGrouped(db.pool(), records).onComplete(ar -> {
            if (ar.failed()) {
                LOG.warn("could not write {} decision-log records; retrying", records.size(), ar.cause());
                // the failed batch goes first on the next attempt, so the log keeps its order
                retry = writingNow;
                vertx.setTimer(500, id -> writeBatch());
                return;
            }
            buffered.addAndGet(-records.size());
            for (Queued q : writingNow) {
                q.markWritten();
            }
            writeBatch();
        });
    }

    /**
     * Stops the timer and waits for everything recorded so far to be written, then once more a moment later: a
     * request that was being evaluated when the HTTP port closed records its decision just after the first flush.
     */
    public Future<Void> close() {
        vertx.cancelTimer(timer);
        if (!db.attached()) {
            return Future.succeededFuture();
        }
        return flush().compose(v -> {
            Promise<Void> again = Promise.promise();
            vertx.setTimer(LATE_RECORD_MILLIS, id -> flush().onComplete(again));
            return again.future();
        });
    }
}
