package dev.lanyard.policies.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanyard.policies.rego.CompileError;
import dev.lanyard.policies.rego.RegoCompileException;
import dev.lanyard.policies.rego.Source;
import dev.lanyard.policies.testing.RegoTestReport.Result;
import dev.lanyard.policies.testing.RegoTestReport.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegoTestRunnerTest {
    @TempDir
    Path dir;

    private void write(String name, String text) throws Exception {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }

    @Test
    void reportsEachTestWithStatusLocationAndDetail() throws Exception {
        write("authz/policy.rego", """
                package authz

                default allow := false

                allow if input.user in data.authz.admins

                role := "a" if input.x
                role := "b" if input.x
                """);
        write("authz/data.json", "{\"admins\": [\"alice\"]}");
        write("authz/policy_test.rego", """
                package authz

                test_admin if allow with input as {"user": "alice"}

                test_other_denied if not allow with input as {"user": "bob"}

                test_undefined if allow with input as {"user": "bob"}

                test_value := 7

                test_conflict if role with input as {"x": true}

                # a function named like a test is not a test
                test_helper(x) := x
                """);
        RegoTestReport report = RegoTestRunner.run(dir);
        assertEquals(List.of("data.authz.test_admin", "data.authz.test_other_denied", "data.authz.test_undefined",
                "data.authz.test_value", "data.authz.test_conflict"),
                report.results().stream().map(Result::name).toList());
        Result admin = report.results().get(0);
        assertEquals(new Result("data.authz.test_admin", "authz/policy_test.rego", 3, Status.PASS, "",
                admin.duration()), admin);
        assertEquals("authz/policy_test.rego:3", admin.location());
        assertEquals(Status.PASS, report.results().get(1).status());
        assertEquals(Status.FAIL, report.results().get(2).status());
        assertEquals("undefined", report.results().get(2).detail());
        assertEquals(7, report.results().get(2).line());
        assertEquals(Status.FAIL, report.results().get(3).status());
        assertEquals("result 7", report.results().get(3).detail());
        assertEquals(Status.ERROR, report.results().get(4).status());
        assertFalse(report.results().get(4).detail().isEmpty());

        assertFalse(report.passed());
        assertEquals(2, report.count(Status.PASS));
        assertEquals(List.of("data.authz.test_undefined", "data.authz.test_value", "data.authz.test_conflict"),
                report.failures().stream().map(Result::name).toList());
        assertEquals("PASS: 2/5, FAIL: 2/5, ERROR: 1/5", report.summary());
    }

    @Test
    void onlyTestFilesHoldTests() {
        RegoTestReport report = RegoTestRunner.run(List.of(
                new Source("p.rego", "package p\n\ntest_not_a_test := false\n"),
                new Source("p_test.rego", "package p\n\ntest_data if data.p.limit == 3\n")), "{\"p\":{\"limit\":3}}");
        assertEquals(1, report.results().size());
        assertTrue(report.passed());
        assertEquals("PASS: 1/1", report.summary());
    }

    @Test
    void noTestsIsAnEmptyPassingReport() throws Exception {
        write("p.rego", "package p\n\nallow := true\n");
        RegoTestReport report = RegoTestRunner.run(dir);
        assertTrue(report.results().isEmpty());
        assertTrue(report.passed());
    }

    @Test
    void aTestFileThatDoesNotCompileIsLocated() throws Exception {
        write("p.rego", "package p\n\nallow := true\n");
        write("p_test.rego", "package p\n\ntest_x if {\n\tallow ==\n}\n");
        RegoCompileException e = assertThrows(RegoCompileException.class, () -> RegoTestRunner.run(dir));
        CompileError first = e.errors().get(0);
        assertEquals("p_test.rego", first.file());
        assertTrue(first.line() >= 4, first.toString());
    }

    @Test
    void reportIsImmutable() {
        RegoTestReport report = new RegoTestReport(new java.util.ArrayList<>());
        assertThrows(UnsupportedOperationException.class, () -> report.results().add(null));
    }
}
