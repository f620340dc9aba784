package dev.lanyard.server.policy;

import dev.lanyard.policies.PolicyFiles;
import dev.lanyard.policies.PolicySet;
import dev.lanyard.policies.rego.CompileError;
import dev.lanyard.policies.rego.Module;
import dev.lanyard.policies.rego.Parser;
import dev.lanyard.policies.rego.RegoCompileException;
import dev.lanyard.policies.rego.Rule;
import dev.lanyard.policies.rego.Source;
import dev.lanyard.policies.testing.RegoTestReport;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import dev.lanyard.policies.engine.PolicyEngine;

/**
 * Reads, compiles and tests the policy set: the directory of {@code LANYARD_POLICY_DIR}, or the default set bundled
 * in the jar. Besides the two decisions, every rule of the set is compiled as an entrypoint, so the Data API can
 * answer for any rule ({@code /v1/data/lanyard/token/reasons}) as OPA would. Blocking: runs on a worker.
 */
public final class PolicyLoader {
    private final Optional<Path> dir;

    public PolicyLoader(Optional<Path> dir) {
        this.dir = dir;
    }

    public String source() {
        return dir.map(Path::toString).orElse(PolicySet.BUNDLED_ORIGIN);
    }

    public LoadedPolicy load() throws PolicyRejected {
        return load(null);
    }

    /** As {@link #load()}, or null without compiling anything when the files still hash to {@code unlessRevision}. */
    public LoadedPolicy load(String unlessRevision) throws PolicyRejected {
        PolicySet set;
        // the evaluation instances (a few hundred ms to build) are built while the set's own tests run
        AtomicReference<CompletableFuture<PolicyEngine>> engine = new AtomicReference<>();
        try {
            Map<String, byte[]> files = dir.isPresent() ? PolicyFiles.read(dir.get()) : PolicySet.bundledFiles();
            if (unlessRevision != null && unlessRevision.equals(PolicySet.hash(files))) {
                return null;
            }
            set = PolicySet.fromFiles(source(), files, new ArrayList<>(entrypoints(files)),
                    bundle -> engine.set(CompletableFuture.supplyAsync(() -> new PolicyEngine(bundle))));
        } catch (RegoCompileException e) {
            CompileError first = e.errors().isEmpty() ? null : e.errors().get(0);
            throw new PolicyRejected("does not compile: " + e.errors().stream().limit(5).map(CompileError::toString)
                    .collect(Collectors.joining("; ")),
                    first == null || first.line() <= 0 ? null : first.file() + ":" + first.line() + ":" + first.col());
        } catch (UncheckedIOException e) {
            throw new PolicyRejected("could not be read: " + e.getCause().getMessage(), null);
        }
        RegoTestReport tests = set.tests();
        if (!tests.passed()) {
            String failed = tests.failures().stream().limit(5)
                    .map(r -> r.name() + " (" + r.location() + ") " + r.status())
                    .collect(Collectors.joining("; "));
            throw new PolicyRejected("its tests fail: " + failed, tests.failures().get(0).location());
        }
        int total = tests.results().size();
        PolicyEngine ready;
        try {
            ready = engine.get().join();
        } catch (java.util.concurrent.CompletionException e) {
            throw new PolicyRejected("could not be instantiated: " + e.getCause().getMessage(), null);
        }
        return new LoadedPolicy(set.bundle(), ready, new PolicyRevision(set.hash(), Instant.now(), source(),
                set.files().stream().map(f -> new PolicyRevision.File(f.path(), f.size(), f.sha256())).toList(),
                set.entrypoints(), new PolicyRevision.Tests(total, total)));
    }

    /** The two decisions first, then every other rule that is not a function or a test. */
    private static Set<String> entrypoints(Map<String, byte[]> files) {
        Set<String> out = new LinkedHashSet<>(PolicySet.DEFAULT_ENTRYPOINTS);
        for (Source source : PolicyFiles.sources(new java.util.TreeMap<>(files), false)) {
            Module m = Parser.parseModule(source);
            for (Rule r : m.rules()) {
                if (r.kind() != Rule.Kind.FUNCTION && !r.path().get(0).startsWith("test_")) {
                    out.add(String.join("/", m.pkg()) + "/" + r.path().get(0));
                }
            }
        }
        return out;
    }
}
