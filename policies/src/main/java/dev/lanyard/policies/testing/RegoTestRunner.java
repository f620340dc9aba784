package dev.lanyard.policies.testing;

import dev.lanyard.policies.PolicyFiles;
import dev.lanyard.policies.RegoCompiler;
import dev.lanyard.policies.engine.PolicyEngine;
import dev.lanyard.policies.rego.Module;
import dev.lanyard.policies.rego.Parser;
import dev.lanyard.policies.rego.Rule;
import dev.lanyard.policies.rego.Source;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs Rego unit tests like {@code opa test}: every rule named {@code test_*} (not a function) in a
 * {@code *_test.rego} file is a test; it passes iff it evaluates to {@code true}. The tests are compiled together
 * with the policy modules and evaluated against the policy set's data, without input.
 */
public final class RegoTestRunner {
    private RegoTestRunner() {}

    /** A test rule found in the sources: its entrypoint ("lanyard/token/test_x") and where it is defined. */
    private record TestRule(String entrypoint, String file, int line) {
        String name() {
            return "data." + entrypoint.replace('/', '.');
        }
    }

    /**
     * Runs the tests of the policy directory {@code dir} (files selected as {@link PolicyFiles} does).
     *
     * @throws dev.lanyard.policies.rego.RegoCompileException when a module (policy or test) or a data.json is bad
     */
    public static RegoTestReport run(Path dir) {
        Map<String, byte[]> files = PolicyFiles.read(dir);
        return run(PolicyFiles.sources(files, true), PolicyFiles.data(files));
    }

    /**
     * Runs the tests among {@code sources} (policy and test modules) with {@code dataJson} as base data.
     *
     * @throws dev.lanyard.policies.rego.RegoCompileException when a module does not compile
     */
    public static RegoTestReport run(List<Source> sources, String dataJson) {
        Map<String, TestRule> tests = new LinkedHashMap<>();
        for (Source s : sources) {
            if (!PolicyFiles.isTestFile(s.file())) {
                continue;
            }
            Module m = Parser.parseModule(s);
            for (Rule r : m.rules()) {
                if (r.path().size() == 1 && r.path().get(0).startsWith("test_") && r.kind() != Rule.Kind.FUNCTION) {
                    String ep = String.join("/", m.pkg()) + "/" + r.path().get(0);
                    tests.putIfAbsent(ep, new TestRule(ep, s.file(), r.pos().line()));
                }
            }
        }
        if (tests.isEmpty()) {
            return new RegoTestReport(List.of());
        }
        PolicyEngine engine = new PolicyEngine(
                RegoCompiler.compile(sources, new ArrayList<>(tests.keySet()), dataJson, "test"), 1);
        List<RegoTestReport.Result> results = new ArrayList<>(tests.size());
        for (TestRule t : tests.values()) {
            long start = System.nanoTime();
            RegoTestReport.Status status;
            String detail = "";
            try {
                Optional<String> r = engine.result(t.entrypoint(), null);
                if (r.isPresent() && r.get().equals("true")) {
                    status = RegoTestReport.Status.PASS;
                } else {
                    status = RegoTestReport.Status.FAIL;
                    detail = r.map(v -> "result " + v).orElse("undefined");
                }
            } catch (RuntimeException e) {
                status = RegoTestReport.Status.ERROR;
                detail = e.getMessage() == null ? e.toString() : e.getMessage();
            }
            results.add(new RegoTestReport.Result(t.name(), t.file(), t.line(), status, detail,
                    Duration.ofNanos(System.nanoTime() - start)));
        }
        return new RegoTestReport(results);
    }
}
