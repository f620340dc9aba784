package dev.lanyard.policies.testing;

import java.time.Duration;
import java.util.List;

/**
 * The outcome of running a policy set's Rego unit tests ({@link RegoTestRunner}): one {@link Result} per
 * {@code test_*} rule, in file and line order.
 */
public record RegoTestReport(List<Result> results) {
    public RegoTestReport {
        results = List.copyOf(results);
    }

    public enum Status {
        /** The rule evaluated to {@code true}. */
        PASS,
        /** The rule was undefined or had another value. */
        FAIL,
        /** Evaluation failed (a conflict, say). */
        ERROR
    }

    /**
     * One test.
     *
     * @param name     the rule's full name, {@code data.lanyard.token.test_allows_a_valid_request}
     * @param file     the test file, relative to the policy directory
     * @param line     the line of the rule's first definition (1-based)
     * @param detail   why it did not pass ("undefined", "result false", the error), "" when it passed
     * @param duration how long its evaluation took
     */
    public record Result(String name, String file, int line, Status status, String detail, Duration duration) {
        public Result {
            detail = detail == null ? "" : detail;
            duration = duration == null ? Duration.ZERO : duration;
        }

        public boolean passed() {
            return status == Status.PASS;
        }

        /** {@code file:line}. */
        public String location() {
            return file + ":" + line;
        }
    }

    /** No test failed or errored (also true when there are no tests). */
    public boolean passed() {
        return results.stream().allMatch(Result::passed);
    }

    public int count(Status status) {
        return (int) results.stream().filter(r -> r.status() == status).count();
    }

    public List<Result> failures() {
        return results.stream().filter(r -> !r.passed()).toList();
    }

    /** {@code PASS: 77/78, FAIL: 1/78} in the form {@code opa test} prints. */
    public String summary() {
        int total = results.size();
        int fail = count(Status.FAIL);
        int error = count(Status.ERROR);
        return "PASS: " + count(Status.PASS) + "/" + total + (fail > 0 ? ", FAIL: " + fail + "/" + total : "")
                + (error > 0 ? ", ERROR: " + error + "/" + total : "");
    }
}
