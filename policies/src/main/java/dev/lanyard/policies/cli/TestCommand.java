package dev.lanyard.policies.cli;

import dev.lanyard.policies.RegoCompiler;
import dev.lanyard.policies.engine.Bundle;
import dev.lanyard.policies.engine.PolicyEngine;
import dev.lanyard.policies.rego.Module;
import dev.lanyard.policies.rego.Parser;
import dev.lanyard.policies.rego.RegoCompileException;
import dev.lanyard.policies.rego.Rule;
import dev.lanyard.policies.rego.Source;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Runs Rego unit tests like {@code opa test}: every rule named {@code test_*} in a {@code *_test.rego} file is an
 * entrypoint; it passes iff it evaluates to {@code true}.
 */
@Command(name = "test", description = "Run the test_* rules of the *_test.rego files under DIR.")
final class TestCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DIR", description = "Policy directory with *_test.rego files.")
    Path dir;

    @Option(names = {"-v", "--verbose"}, description = "Also print passing tests.")
    boolean verbose;

    record TestCase(String entrypoint, String file, int line) {
        String name() {
            return "data." + entrypoint.replace('/', '.');
        }
    }

    @Override
    public Integer call() {
        PrintStream out = System.out;
        List<Source> sources = RegoCompiler.sources(dir, true);
        Map<String, TestCase> tests = new LinkedHashMap<>();
        try {
            for (Source s : sources) {
                if (!s.file().endsWith("_test.rego")) {
                    continue;
                }
                Module m = Parser.parseModule(s);
                for (Rule r : m.rules()) {
                    if (r.path().size() == 1 && r.path().get(0).startsWith("test_") && r.kind() != Rule.Kind.FUNCTION) {
                        String ep = String.join("/", m.pkg()) + "/" + r.path().get(0);
                        tests.putIfAbsent(ep, new TestCase(ep, s.file(), r.pos().line()));
                    }
                }
            }
        } catch (RegoCompileException e) {
            out.println(e.getMessage());
            return 2;
        }
        if (tests.isEmpty()) {
            out.println("no tests found under " + dir);
            return 0;
        }
        PolicyEngine engine;
        try {
            Bundle b = RegoCompiler.compile(sources, new ArrayList<>(tests.keySet()), RegoCompiler.data(dir), "test");
            engine = new PolicyEngine(b, 1);
        } catch (RegoCompileException e) {
            out.println(e.getMessage());
            return 2;
        }
        int pass = 0, fail = 0, error = 0;
        for (TestCase t : tests.values()) {
            long start = System.nanoTime();
            String status;
            String detail = "";
            try {
                Optional<String> r = engine.result(t.entrypoint(), null);
                if (r.isPresent() && r.get().equals("true")) {
                    status = "PASS";
                    pass++;
                } else {
                    status = "FAIL";
                    detail = r.map(v -> " (result " + v + ")").orElse(" (undefined)");
                    fail++;
                }
            } catch (RuntimeException e) {
                status = "ERROR";
                detail = " (" + e.getMessage() + ")";
                error++;
            }
            long micros = (System.nanoTime() - start) / 1000;
            if (verbose || !status.equals("PASS")) {
                out.printf("%s %s:%d: %s%s (%dus)%n", status, t.file(), t.line(), t.name(), detail, micros);
            } else {
                out.printf("%s %s:%d: %s%n", status, t.file(), t.line(), t.name());
            }
        }
        int total = tests.size();
        out.println("-".repeat(80));
        out.printf("PASS: %d/%d%s%s%n", pass, total, fail > 0 ? ", FAIL: " + fail + "/" + total : "",
                error > 0 ? ", ERROR: " + error + "/" + total : "");
        return fail + error == 0 ? 0 : 1;
    }
}
