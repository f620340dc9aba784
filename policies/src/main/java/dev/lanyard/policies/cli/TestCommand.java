package dev.lanyard.policies.cli;

import dev.lanyard.policies.rego.RegoCompileException;
import dev.lanyard.policies.testing.RegoTestReport;
import dev.lanyard.policies.testing.RegoTestRunner;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Runs Rego unit tests like {@code opa test} through {@link RegoTestRunner}. Exit status: 0 all passed, 1 some
 * failed, 2 the policies do not compile.
 */
@Command(name = "test", description = "Run the test_* rules of the *_test.rego files under DIR.")
final class TestCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DIR", description = "Policy directory with *_test.rego files.")
    Path dir;

    @Option(names = {"-v", "--verbose"}, description = "Also print how long each test took.")
    boolean verbose;

    @Override
    public Integer call() {
        PrintStream out = System.out;
        RegoTestReport report;
        try {
            report = RegoTestRunner.run(dir);
        } catch (RegoCompileException e) {
            out.println(e.getMessage());
            return 2;
        }
        if (report.results().isEmpty()) {
            out.println("no tests found under " + dir);
            return 0;
        }
        for (RegoTestReport.Result r : report.results()) {
            String detail = r.detail().isEmpty() ? "" : " (" + r.detail() + ")";
            if (verbose || !r.passed()) {
                out.printf("%s %s: %s%s (%dus)%n", r.status(), r.location(), r.name(), detail,
                        r.duration().toNanos() / 1000);
            } else {
                out.printf("%s %s: %s%n", r.status(), r.location(), r.name());
            }
        }
        out.println("-".repeat(80));
        out.println(report.summary());
        return report.passed() ? 0 : 1;
    }
}
