package dev.lanyard.policies.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LanyardPolicyCliTest {
    @TempDir
    Path dir;

    private String out;

    private int run(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            return LanyardPolicyCli.run(args);
        } finally {
            System.setOut(old);
            out = buf.toString(StandardCharsets.UTF_8);
        }
    }

    private void write(String name, String text) throws Exception {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }

    @Test
    void buildEvalAndTest() throws Exception {
        write("policy/authz.rego", """
                package lanyard.authz

                default decision := {"allow": false}

                decision := {"allow": true, "who": input.user} if {
                    input.user in data.lanyard.authz.admins
                }
                """);
        write("policy/lanyard/authz/data.json", "{\"admins\": [\"alice\"]}");
        write("policy/authz_test.rego", """
                package lanyard.authz

                test_admin_allowed if {
                    data.lanyard.authz.decision.allow with input as {"user": "alice"}
                }

                test_other_denied if {
                    not data.lanyard.authz.decision.allow with input as {"user": "bob"}
                }

                test_wrong if {
                    data.lanyard.authz.decision.allow with input as {"user": "bob"}
                }
                """);
        Path bundle = dir.resolve("bundle.tar.gz");
        assertEquals(0, run("build", dir.resolve("policy").toString(), "-o", bundle.toString(),
                "-e", "lanyard/authz/decision"));
        write("input.json", "{\"user\": \"alice\"}");
        assertEquals(0, run("eval", "--bundle", bundle.toString(), "-e", "lanyard/authz/decision",
                "--input", dir.resolve("input.json").toString()));
        assertEquals("{\"allow\":true,\"who\":\"alice\"}", out.trim());

        assertEquals(1, run("test", dir.resolve("policy").toString()));
        assertTrue(out.contains("PASS authz_test.rego:3: data.lanyard.authz.test_admin_allowed"), out);
        assertTrue(out.contains("PASS authz_test.rego:7: data.lanyard.authz.test_other_denied"), out);
        assertTrue(out.contains("FAIL authz_test.rego:11: data.lanyard.authz.test_wrong"), out);
        assertTrue(out.contains("PASS: 2/3, FAIL: 1/3"), out);
    }

    @Test
    void testsSeeTheRulesOfTheirPackageDefinedInOtherFiles() throws Exception {
        write("p/policy.rego", """
                package demo

                default allow := false

                allow if input.user == "alice"
                """);
        write("p/policy_test.rego", """
                package demo

                test_alice if allow with input as {"user": "alice"}

                test_bob if not allow with input as {"user": "bob"}
                """);
        assertEquals(0, run("test", dir.resolve("p").toString()), out);
        assertTrue(out.contains("PASS: 2/2"), out);
    }

    @Test
    void testRunsTheDefaultPolicySet() {
        assertEquals(0, run("test", "rego"), out);
        assertTrue(out.contains("PASS lanyard/token_test.rego:"), out);
        assertTrue(out.matches("(?s).*PASS: (\\d+)/\\1\\s*"), out);
    }

    @Test
    void testReportsCompileErrorsWithExitStatus2() throws Exception {
        write("bad/p.rego", "package p\n\nallow if {\n");
        write("bad/p_test.rego", "package p\n\ntest_allow if allow\n");
        assertEquals(2, run("test", dir.resolve("bad").toString()));
        assertTrue(out.startsWith("p.rego:"), out);
    }

    @Test
    void helpWorks() {
        assertEquals(0, run("--help"));
        assertTrue(out.contains("build") && out.contains("eval") && out.contains("test"), out);
    }
}
