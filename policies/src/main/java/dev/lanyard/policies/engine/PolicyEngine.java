package dev.lanyard.policies.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.styra.opa.wasm.OpaBuiltin;
import dev.lanyard.policies.builtins.LanyardBuiltins;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Evaluates a bundle's entrypoints in process on a pool of opa-java-wasm instances. Each {@link WasmInstance} is used
 * by one thread at a time; there is no lock around evaluation. {@link #swap} installs a new bundle atomically:
 * evaluations already running finish on the revision they started with.
 */
public final class PolicyEngine {
    private static final OpaBuiltin.Builtin[] BUILTINS = LanyardBuiltins.all().toArray(new OpaBuiltin.Builtin[0]);

    private final int poolSize;
    private final AtomicReference<Revision> current = new AtomicReference<>();

    public PolicyEngine(Bundle bundle) {
        this(bundle, Runtime.getRuntime().availableProcessors());
    }

    public PolicyEngine(Bundle bundle, int poolSize) {
        if (poolSize < 1) {
            throw new IllegalArgumentException("poolSize must be positive");
        }
        this.poolSize = poolSize;
        current.set(new Revision(bundle, poolSize));
    }

    public static PolicyEngine load(byte[] bundleTarGz) {
        return new PolicyEngine(Bundle.read(bundleTarGz));
    }

    /** Installs a new bundle; its first instance is built (and the module validated) before the swap. */
    public void swap(Bundle bundle) {
        current.set(new Revision(bundle, poolSize));
    }

    public Bundle bundle() {
        return current.get().bundle;
    }

    public Map<String, Integer> entrypoints() {
        return current.get().entrypoints;
    }

    /**
     * Evaluates {@code entrypoint} ("lanyard/token/decision") with {@code inputJson} (null: no input) and returns
     * the SDK's result set, e.g. {@code [{"result":{...}}]}, or {@code []} when undefined.
     */
    public String evaluate(String entrypoint, String inputJson) {
        return current.get().evaluate(entrypoint, InputLayout.Input.of(inputJson));
    }

    /**
     * As {@link #evaluate}, but only on an instance that is idle right now: never waits for one and never builds one,
     * so it may be called from a thread that must not block (an event loop). Null when none is free.
     */
    public String tryEvaluate(String entrypoint, String inputJson) {
        return current.get().tryEvaluate(entrypoint, InputLayout.Input.of(inputJson));
    }

    /** As {@link #evaluate(String, String)}, for an input the caller holds as a tree (null or missing: no input). */
    public String evaluate(String entrypoint, JsonNode input) {
        return current.get().evaluate(entrypoint, InputLayout.Input.of(input));
    }

    /** As {@link #tryEvaluate(String, String)}, for an input the caller holds as a tree (null or missing: no input). */
    public String tryEvaluate(String entrypoint, JsonNode input) {
        return current.get().tryEvaluate(entrypoint, InputLayout.Input.of(input));
    }

    /** The entrypoint's value as JSON text, empty when undefined. */
    public Optional<String> result(String entrypoint, String inputJson) {
        return resultTree(entrypoint, inputJson).map(r -> {
            try {
                return Bundle.JSON.writeValueAsString(r);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /**
     * The entrypoint's value for an input the caller holds as a tree (null or missing: no input), empty when
     * undefined; neither the input nor the result goes through text on the caller's side.
     */
    public Optional<JsonNode> resultTree(String entrypoint, JsonNode input) {
        return resultTree(evaluate(entrypoint, input));
    }

    /** The entrypoint's value, empty when undefined: for callers that read it, without a round trip through text. */
    public Optional<JsonNode> resultTree(String entrypoint, String inputJson) {
        return resultTree(evaluate(entrypoint, inputJson));
    }

    private static Optional<JsonNode> resultTree(String set) {
        try {
            JsonNode rs = Bundle.JSON.readTree(set);
            if (rs.isArray() && !rs.isEmpty() && rs.get(0).has("result")) {
                return Optional.of(rs.get(0).get("result"));
            }
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One bundle revision with its own instance pool. */
    private static final class Revision {
        final Bundle bundle;
        final CompiledModule wasm;
        final Map<String, Integer> entrypoints;
        final Semaphore permits;
        final ConcurrentLinkedDeque<WasmInstance> idle = new ConcurrentLinkedDeque<>();

        Revision(Bundle bundle, int size) {
            this.bundle = bundle;
            this.wasm = new CompiledModule(bundle.wasm());
            this.permits = new Semaphore(size);
            WasmInstance first = newInstance();
            this.entrypoints = Map.copyOf(first.entrypoints());
            idle.push(first);
            if (size > 1) {
                // the module is compiled once, above; the other instances only initialise their memory and data,
                // but that is still not free, so they are built in the background
                Thread warm = new Thread(() -> {
                    for (int i = 1; i < size; i++) {
                        idle.push(newInstance());
                    }
                }, "policy-pool-warmup");
                warm.setDaemon(true);
                warm.start();
            }
        }

        private WasmInstance newInstance() {
            return new WasmInstance(wasm, bundle.dataJson(), BUILTINS);
        }

        String evaluate(String entrypoint, InputLayout.Input inputJson) {
            int id = entrypointId(entrypoint);
            permits.acquireUninterruptibly();
            try {
                WasmInstance p = idle.poll();
                return run(p == null ? newInstance() : p, id, inputJson);
            } finally {
                permits.release();
            }
        }

        String tryEvaluate(String entrypoint, InputLayout.Input inputJson) {
            int id = entrypointId(entrypoint);
            if (!permits.tryAcquire()) {
                return null;
            }
            try {
                WasmInstance p = idle.poll();
                return p == null ? null : run(p, id, inputJson);
            } finally {
                permits.release();
            }
        }

        private int entrypointId(String entrypoint) {
            Integer id = entrypoints.get(entrypoint);
            if (id == null) {
                throw new IllegalArgumentException("unknown entrypoint " + entrypoint + "; known: "
                        + entrypoints.keySet());
            }
            return id;
        }

        private String run(WasmInstance p, int id, InputLayout.Input inputJson) {
            String out = p.evaluate(id, inputJson);
            // only instances that finished cleanly go back: an abort (conflict error) can leave the C stack
            // pointer and heap of the instance inconsistent, so it is dropped and replaced on demand
            idle.push(p);
            return out;
        }
    }
}
