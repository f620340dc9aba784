package dev.lanyard.policies;

import dev.lanyard.policies.engine.Bundle;
import dev.lanyard.policies.ir.Policy;
import dev.lanyard.policies.plan.Planner;
import dev.lanyard.policies.rego.Source;
import dev.lanyard.policies.wasm.WasmBackend;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Rego sources + entrypoints + data → an OPA bundle whose {@code policy.wasm} opa-java-wasm evaluates (with
 * {@link dev.lanyard.policies.builtins.LanyardBuiltins} registered). Compile errors are
 * {@link dev.lanyard.policies.rego.RegoCompileException}s carrying file:line:col.
 */
public final class RegoCompiler {
    private RegoCompiler() {}

    /** Compiles {@code sources} to a WASM module exposing {@code entrypoints} ("lanyard/token/decision"). */
    public static byte[] compileWasm(List<Source> sources, List<String> entrypoints) {
        if (entrypoints.isEmpty()) {
            throw new IllegalArgumentException("at least one entrypoint is required");
        }
        Policy ir = Planner.plan(sources, entrypoints);
        return WasmBackend.compile(ir);
    }

    public static Bundle compile(List<Source> sources, List<String> entrypoints, String dataJson, String revision) {
        return new Bundle(compileWasm(sources, entrypoints), dataJson, revision, entrypoints);
    }

    /**
     * Compiles every {@code *.rego} file under {@code dir} except tests ({@code *_test.rego}), with the directory's
     * {@code data.json} files as base data (a nested {@code a/b/data.json} lands at {@code data.a.b}). Which files
     * count is decided by {@link PolicyFiles}.
     */
    public static Bundle compileDirectory(Path dir, List<String> entrypoints, String revision) {
        Map<String, byte[]> files = PolicyFiles.read(dir);
        return compile(PolicyFiles.sources(files, false), entrypoints, PolicyFiles.data(files), revision);
    }

    /** Rego files under {@code dir} in a stable order; test files only when {@code includeTests}. */
    public static List<Source> sources(Path dir, boolean includeTests) {
        return PolicyFiles.sources(PolicyFiles.read(dir), includeTests);
    }

    /**
     * Merged base data of all {@code data.json} files under {@code dir}, as JSON text; a malformed one is a
     * {@link dev.lanyard.policies.rego.RegoCompileException} located in it.
     */
    public static String data(Path dir) {
        return PolicyFiles.data(PolicyFiles.read(dir));
    }
}
