package dev.lanyard.mcp.decision;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanyard.mcp.http.Json;
import dev.lanyard.policies.PolicySet;
import dev.lanyard.policies.engine.Bundle;
import dev.lanyard.policies.engine.PolicyEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decisions in process, from a policy bundle evaluated by the {@code policies} module's WASM engine: no network hop
 * per call, at the price of the adapter holding its own copy of the policy. Evaluation is CPU work on an engine pool,
 * so it runs on {@code executor} (never an event loop).
 */
public final class LocalDecisionClient implements DecisionClient {
    private static final Logger LOG = LoggerFactory.getLogger(LocalDecisionClient.class);
    private final PolicyEngine engine;
    private final Executor executor;

    /** Evaluations run on {@code executor}, on an engine pool of one instance per core. */
    public LocalDecisionClient(Bundle bundle, Executor executor) {
        this.engine = new PolicyEngine(bundle);
        this.executor = executor;
    }

    private LocalDecisionClient(PolicyEngine engine) {
        this.engine = engine;
        this.executor = null;
    }

    /**
     * Evaluations run on the calling thread — for event loops, where a hop to a worker and back costs more than the
     * evaluation (≈ 0.1 ms of CPU). The engine gets one instance per calling thread, all built before this returns
     * (building one takes tens of milliseconds), so an evaluation never waits for an instance nor builds one: it is
     * bounded CPU work, not blocking.
     *
     * @param callers how many threads may evaluate at once (the event loops)
     */
    public static LocalDecisionClient inline(Bundle bundle, int callers) {
        PolicyEngine engine = new PolicyEngine(bundle, callers);
        Thread[] warm = new Thread[callers];
        for (int i = 0; i < callers; i++) {
            // concurrent evaluations take an instance each, so the pool ends up holding one per caller
            warm[i] = new Thread(() -> engine.evaluate(PATH, "{}"), "policy-warmup-" + i);
            warm[i].start();
        }
        for (Thread t : warm) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while building policy instances", e);
            }
        }
        return new LocalDecisionClient(engine);
    }

    /**
     * {@code default} for the policy set bundled with Lanyard, a bundle file ({@code .tar.gz}, as {@code opa build -t
     * wasm} or lanyard-policy writes), or a directory of Rego and {@code data.json} (compiled, its Rego tests run).
     */
    public static Bundle load(Path path) {
        try {
            if (path.toString().equals("default")) {
                return PolicySet.bundledDefault().bundle();
            }
            if (Files.isDirectory(path)) {
                return PolicySet.load(path, List.of(PATH)).bundle();
            }
            return Bundle.read(Files.readAllBytes(path));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public CompletionStage<Decision> decide(JsonNode input) {
        if (executor == null) {
            return CompletableFuture.completedFuture(evaluate(input));
        }
        return CompletableFuture.supplyAsync(() -> evaluate(input), executor);
    }

    private Decision evaluate(JsonNode input) {
        try {
            return Decision.fromResult(engine.resultTree(PATH, input).orElse(null), null, engine.bundle().revision());
        } catch (Exception e) {
            LOG.error("policy evaluation failed", e);
            return Decision.unavailable("policy evaluation failed");
        }
    }
}
