package dev.lanyard.policies;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import dev.lanyard.policies.testing.RegoTestReport;
import dev.lanyard.policies.testing.RegoTestRunner;
import java.net.URI;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs every Rego unit test under {@code policies/rego/} (the default policy set) as a JUnit test of its own, so a
 * failing {@code test_*} rule fails the build under its own name and location.
 */
class DefaultPolicyRegoTest {
    static final Path REGO = Path.of("rego");

    @TestFactory
    Stream<DynamicTest> regoUnitTests() {
        RegoTestReport report = RegoTestRunner.run(REGO);
        assertFalse(report.results().isEmpty(), "no Rego tests found under " + REGO.toAbsolutePath());
        return report.results().stream().map(r -> DynamicTest.dynamicTest(r.location() + " " + r.name(),
                source(r), () -> {
                    if (!r.passed()) {
                        fail(r.status() + " " + r.location() + ": " + r.name() + " (" + r.detail() + ")");
                    }
                }));
    }

    /** A file URI with the test's line, so IDEs and reports can jump to the Rego rule. */
    private static URI source(RegoTestReport.Result r) {
        return URI.create(REGO.resolve(r.file()).toAbsolutePath().normalize().toUri() + "?line=" + r.line());
    }
}
