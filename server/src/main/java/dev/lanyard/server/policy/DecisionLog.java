package dev.lanyard.server.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lanyard.server.audit.AuditLog;
import dev.lanyard.server.audit.AuditRecord;
import dev.lanyard.server.store.Database;
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
 * audit chain's append rate; a batch that cannot be written is retried, and {@link #flush()} drains the buffer at
 * shutdown.
 */
public final class DecisionLog {
    private static final Logger LOG = LoggerFactory.getLogger(DecisionLog.class);
    /** Half a group commit: a batch never has a group to itself for long, so token issuances interleave. */
    static final int MAX_BATCH = AuditLog.MAX_GROUP_RECORDS / 2;
    private static final long FLUSH_MILLIS = 50;
    /** Beyond this many unwritten decisions the database is not keeping up; new ones are dropped and counted. */
    private static final int MAX_BUFFERED = 200_000;

    private final Vertx vertx;
    private final Database db;
    private final AuditLog audit;
    private final ConcurrentLinkedQueue<AuditRecord> buffer = new ConcurrentLinkedQueue<>();
    private final AtomicInteger buffered = new AtomicInteger();
    private final AtomicInteger dropped = new AtomicInteger();
    private final AtomicBoolean writing = new AtomicBoolean();
    /** A batch whose write failed; only touched by the holder of {@link #writing}. */
    private volatile List<AuditRecord> retry;
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

    public DecisionLog(Vertx vertx, Database db, AuditLog audit) {
        this.vertx = vertx;
        this.db = db;
        this.audit = audit;
        this.timer = vertx.setPeriodic(FLUSH_MILLIS, id -> {
            if (db.attached()) {
                flush();
            }
        });
    }

    public void record(Entry e) {
        if (buffered.incrementAndGet() > MAX_BUFFERED) {
            buffered.decrementAndGet();
            if (dropped.getAndIncrement() % 10_000 == 0) {
                LOG.error("decision log buffer full: the database is not keeping up; {} decisions dropped so far",
                        dropped.get());
            }
            return;
        }
        ObjectNode details = AuditRecord.fields();
        details.put("decision_id", e.decisionId()).put("path", e.path());
        details.set("input", e.input() == null ? null : Redaction.redact(e.input()));
        details.set("result", e.result());
        details.put("revision", e.revision()).put("latency_us", e.latencyMicros());
        boolean allowed = e.result() != null && e.result().path("allow").asBoolean(e.result().isBoolean() && e.result().asBoolean());
        buffer.add(new AuditRecord("policy.decision", e.actor(), e.decisionId(),
                allowed ? AuditRecord.SUCCESS : AuditRecord.DENY, e.requestId(), e.clientIp(), details));
        if (buffered.get() >= MAX_BATCH && !writing.get()) {
            flush();
        }
    }

    /** Decisions dropped because the buffer was full (a metric; zero on a healthy server). */
    public int dropped() {
        return dropped.get();
    }

    /** Writes everything buffered so far; completes when it is in the database. */
    public Future<Void> flush() {
        Promise<Void> done = Promise.promise();
        drain(done);
        return done.future();
    }

    private void drain(Promise<Void> done) {
        if (!writing.compareAndSet(false, true)) {
            // a batch is in flight (perhaps from another event loop): try again right after it
            vertx.setTimer(5, id -> drain(done));
            return;
        }
        List<AuditRecord> batch = retry;
        retry = null;
        if (batch == null) {
            batch = new ArrayList<>();
            AuditRecord r;
            while (batch.size() < MAX_BATCH && (r = buffer.poll()) != null) {
                batch.add(r);
            }
        }
        if (batch.isEmpty()) {
            writing.set(false);
            done.complete();
            return;
        }
        List<AuditRecord> writingNow = batch;
        audit.appendAllGrouped(db.pool(), writingNow).onComplete(ar -> {
            if (ar.failed()) {
                LOG.warn("could not write {} decision-log records; retrying", writingNow.size(), ar.cause());
                // the failed batch goes first on the next attempt, so the log keeps its order
                retry = writingNow;
                writing.set(false);
                vertx.setTimer(500, id -> drain(done));
                return;
            }
            buffered.addAndGet(-writingNow.size());
            writing.set(false);
            drain(done);
        });
    }

    public Future<Void> close() {
        vertx.cancelTimer(timer);
        return db.attached() ? flush() : Future.succeededFuture();
    }
}
