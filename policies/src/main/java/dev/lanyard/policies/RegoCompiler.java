package dev.lanyard.policies;

import dev.lanyard.policies.engine.Bundle;
import dev.lanyard.policies.ir.Policy;
import dev.lanyard.policies.plan.Planner;
import dev.lanyard.policies.rego.Source;
import dev.lanyard.policies.wasm.WasmBackend;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

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
     * {@code data.json} files as base data (a nested {@code a/b/data.json} lands at {@code data.a.b}).
     */
    public static Bundle compileDirectory(Path dir, List<String> entrypoints, String revision) {
        return compile(sources(dir, false), entrypoints, data(dir), revision);
    }

    /** Rego files under {@code dir} in a stable order; test files only when {@code includeTests}. */
    public static List<Source> sources(Path dir, boolean includeTests) {
        List<Source> out = new ArrayList<>();
        for (Path p : files(dir)) {
            String name = p.getFileName().toString();
            if (!name.endsWith(".rego") || (!includeTests && name.endsWith("_test.rego"))) {
                continue;
            }
            try {
                out.add(new Source(relative(dir, p), Files.readString(p)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    /** Merged base data of all {@code data.json} files under {@code dir}, as JSON text. */
    public static String data(Path dir) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (Path p : files(dir)) {
            if (p.getFileName().toString().equals("data.json")) {
                try {
                    files.put("/" + relative(dir, p), Files.readAllBytes(p));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        try {
            return Bundle.mergedData(files);
        } catch (IOException e) {
            throw new UncheckedIOException("bad data.json under " + dir + ": " + e.getMessage(), e);
        }
    }

    private static String relative(Path dir, Path file) {
        Path base = Files.isRegularFile(dir) ? dir.toAbsolutePath().getParent() : dir.toAbsolutePath();
        return base.relativize(file.toAbsolutePath()).toString().replace('\\', '/');
    }

    private static List<Path> files(Path dir) {
        if (Files.isRegularFile(dir)) {
            return List.of(dir);
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
