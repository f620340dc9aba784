package dev.lanyard.server.policy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanyard.policies.engine.PolicyEngine;
import dev.lanyard.server.audit.AuditLog;
import dev.lanyard.server.audit.AuditRecord;
import dev.lanyard.server.http.Ids;
import dev.lanyard.server.http.Json;
import dev.lanyard.server.store.Database;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves decisions from the active policy revision and replaces it atomically on reload. A revision that does not
 * compile or fails its own tests is rejected (audited, previous revision kept). An evaluation takes tens of
 * microseconds of pure CPU on one instance of a pool sized to the cores: it runs on the calling event loop when an
 * instance is idle, and otherwise waits on an executor (never blocking an event loop).
 */
public final class PolicyDecisionPoint {
    public static final String TOKEN_DECISION = "lanyard/token/decision";
    public static final String MCP_DECISION = "lanyard/mcp/decision";
    private static final Logger LOG = LoggerFactory.getLogger(PolicyDecisionPoint.class);

    private final Vertx vertx;
    private final Database db;
    private final AuditLog audit;
    private final PolicyLoader loader;
    private final WorkerExecutor evaluators;
    private final WorkerExecutor compiler;
    private final AtomicReference<Active> active = new AtomicReference<>();
    private final AtomicReference<Rejection> lastRejection = new AtomicReference<>();

    private record Active(PolicyEngine engine, PolicyRevision revision, JsonNode data) {}

    /** The last revision that was refused, shown by {@code GET /api/v1/policies} until a later one is accepted. */
    public record Rejection(Instant at, String error, String location) {}

    /** One decision: {@code result} is null when the document is undefined. */
    public record Evaluation(String decisionId, String path, JsonNode result, String revision, long micros) {}

    public PolicyDecisionPoint(Vertx vertx, Database db, AuditLog audit, PolicyLoader loader) {
        this.vertx = vertx;
        this.db = db;
        this.audit = audit;
        this.loader = loader;
        int cores = Runtime.getRuntime().availableProcessors();
        this.evaluators = vertx.createSharedWorkerExecutor("lanyard-policy-eval", cores);
        this.compiler = vertx.createSharedWorkerExecutor("lanyard-policy-compile", 1);
    }

    /** Loads the first revision; the server does not start without one. */
    public Future<PolicyRevision> start() {
        return compiler.executeBlocking(() -> {
            LoadedPolicy loaded = loader.load();
            active.set(new Active(loaded.engine(), loaded.revision(),
                    Json.tree(loaded.bundle().dataJson())));
            return loaded.revision();
        }, true).recover(e -> Future.failedFuture(e instanceof PolicyRejected r
                ? new IllegalStateException("the policy set " + loader.source() + " was rejected: " + r.getMessage(), r)
                : e));
    }

    public PolicyRevision revision() {
        return active.get().revision();
    }

    public Rejection lastRejection() {
        return lastRejection.get();
    }

    public String source() {
        return loader.source();
    }

    /**
     * Recompiles and tests the policy set, and swaps it in if both succeed and it differs from the active one.
     * Completes with the revision served afterwards; a rejection is audited and completes the future normally.
     */
    public Future<PolicyRevision> reload() {
        long started = System.nanoTime();
        return compiler.<Object>executeBlocking(() -> {
            try {
                Active current = active.get();
                LoadedPolicy loaded = loader.load(current == null ? null : current.revision().revision());
                if (loaded == null) {
                    return current.revision();
                }
                return new Active(loaded.engine(), loaded.revision(), Json.tree(loaded.bundle().dataJson()));
            } catch (PolicyRejected e) {
                return e;
            }
        }, true).compose(outcome -> {
            if (outcome instanceof PolicyRejected e) {
                lastRejection.set(new Rejection(Instant.now(), e.getMessage(), e.location()));
                LOG.atWarn().addKeyValue("location", e.location()).log("policy set rejected, previous revision kept: {}",
                        e.getMessage());
                var details = AuditRecord.fields().put("source", loader.source()).put("error", e.getMessage())
                        .put("location", e.location()).put("kept_revision", revision().revision());
                return appendSystem("policy.rejected", revision().revision(), AuditRecord.FAILURE, details)
                        .map(v -> revision());
            }
            if (outcome instanceof PolicyRevision unchanged) {
                // the directory is back to what is being served: an earlier refusal no longer describes it
                lastRejection.set(null);
                return Future.succeededFuture(unchanged);
            }
            Active next = (Active) outcome;
            Active previous = active.get();
            var details = AuditRecord.fields().put("source", loader.source())
                    .put("previous_revision", previous == null ? null : previous.revision().revision())
                    .put("files", next.revision().files().size())
                    .put("tests_passed", next.revision().tests().passed());
            // recorded before it serves: no decision names a revision whose activation is not in the trail yet
            return appendSystem("policy.activated", next.revision().revision(), AuditRecord.SUCCESS, details)
                    .map(v -> {
                        active.set(next);
                        lastRejection.set(null);
                        LOG.info("policy revision {} active ({} files, compiled, tested and instantiated in {} ms)",
                                next.revision().revision(), next.revision().files().size(),
                                (System.nanoTime() - started) / 1_000_000);
                        return next.revision();
                    });
        });
    }

    private Future<Void> appendSystem(String type, String target, String outcome,
                                      com.fasterxml.jackson.databind.node.ObjectNode details) {
        if (!db.attached()) {
            return Future.succeededFuture();
        }
        return audit.appendAlone(db.pool(), new AuditRecord(type, "system:policy-watcher", target, outcome, null, null,
                details)).<Void>mapEmpty().recover(e -> {
                    LOG.error("could not audit {}", type, e);
                    return Future.succeededFuture();
                });
    }

    /**
     * Evaluates {@code path} ("lanyard/mcp/decision") with {@code input} (null: no input). Paths that are not
     * rules of the policy set answer from its data ({@code data.json}), else undefined — as OPA does.
     */
    public Future<Evaluation> evaluate(String path, JsonNode input) {
        Active a = active.get();
        String decisionId = Ids.sortable("dec");
        Map<String, Integer> entrypoints = a.engine().entrypoints();
        if (!entrypoints.containsKey(path)) {
            return Future.succeededFuture(new Evaluation(decisionId, path, dataAt(a.data(), path),
                    a.revision().revision(), 0));
        }
        // an idle instance is used right here (tens of microseconds of CPU, no waiting); only when every instance
        // is busy does the evaluation queue on the executor
        long start = System.nanoTime();
        String inline;
        try {
            inline = a.engine().tryEvaluate(path, input);
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
        if (inline != null) {
            try {
                return Future.succeededFuture(evaluation(decisionId, path, inline, a, start));
            } catch (java.io.IOException e) {
                return Future.failedFuture(e);
            }
        }
        return evaluators.executeBlocking(() -> {
            long queued = System.nanoTime();
            return evaluation(decisionId, path, a.engine().evaluate(path, input), a, queued);
        }, false);
    }

    private static Evaluation evaluation(String decisionId, String path, String resultSet, Active a, long start)
            throws java.io.IOException {
        JsonNode rs = Json.MAPPER.readTree(resultSet);
        JsonNode result = rs.isArray() && !rs.isEmpty() ? rs.get(0).get("result") : null;
        return new Evaluation(decisionId, path, result, a.revision().revision(), (System.nanoTime() - start) / 1_000);
    }

    private static JsonNode dataAt(JsonNode data, String path) {
        JsonNode node = data;
        if (path.isEmpty()) {
            return node;
        }
        for (String part : path.split("/")) {
            if (node == null || !node.isObject()) {
                return null;
            }
            node = node.get(part);
        }
        return node;
    }

    public Future<Void> close() {
        return evaluators.close().compose(v -> compiler.close());
    }
}
