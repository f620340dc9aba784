package dev.lanyard.policies;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanyard.policies.PolicySet.PolicyFile;
import dev.lanyard.policies.engine.PolicyEngine;
import dev.lanyard.policies.rego.CompileError;
import dev.lanyard.policies.rego.RegoCompileException;
import dev.lanyard.policies.testing.RegoTestReport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicySetTest {
    private static final List<String> DEFAULT_FILES = List.of("lanyard/data.json", "lanyard/lib.rego",
            "lanyard/lib_test.rego", "lanyard/mcp.rego", "lanyard/mcp_test.rego", "lanyard/token.rego",
            "lanyard/token_test.rego");

    @TempDir
    Path dir;

    @Test
    void bundledDefaultIsPackagedWithAnIndexAndPassesItsTests() throws Exception {
        assertNotNull(getClass().getClassLoader().getResource(PolicySet.CLASSPATH_INDEX));
        PolicySet set = PolicySet.bundledDefault();
        assertSame(set, PolicySet.bundledDefault());
        assertEquals(PolicySet.BUNDLED_ORIGIN, set.origin());
        assertEquals(PolicySet.DEFAULT_ENTRYPOINTS, set.entrypoints());
        assertEquals(List.of("lanyard/token/decision", "lanyard/mcp/decision"), set.bundle().entrypoints());
        assertTrue(set.hash().matches("[0-9a-f]{64}"), set.hash());
        assertEquals(set.hash(), set.bundle().revision());
        assertEquals(DEFAULT_FILES, set.files().stream().map(PolicyFile::path).toList());
        byte[] token = Files.readAllBytes(Path.of("rego/lanyard/token.rego"));
        PolicyFile tokenFile = set.files().get(5);
        assertEquals(token.length, tokenFile.size());
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token)),
                tokenFile.sha256());
        assertTrue(set.tests().passed(), set.tests().failures().toString());
        assertTrue(set.tests().results().size() > 50, set.tests().summary());
        assertThrows(UnsupportedOperationException.class, () -> set.files().add(tokenFile));
    }

    @Test
    void bundledDefaultEqualsTheSourceDirectory() {
        PolicySet fromSource = PolicySet.load(Path.of("rego"));
        assertEquals(PolicySet.bundledDefault().hash(), fromSource.hash());
        assertEquals(PolicySet.bundledDefault().files(), fromSource.files());
        assertEquals(Path.of("rego").toAbsolutePath().normalize().toString(), fromSource.origin());
    }

    @Test
    void aCopyOfTheBundledDefaultLoadsToTheSameRevision() throws Exception {
        List<Path> written = PolicySet.copyBundledDefaultTo(dir);
        assertEquals(DEFAULT_FILES.stream().map(dir::resolve).toList(), written);
        PolicySet copy = PolicySet.load(dir);
        assertEquals(PolicySet.bundledDefault().hash(), copy.hash());
        assertEquals(copy.hash(), PolicySet.contentHash(dir));
        assertTrue(copy.tests().passed());

        // other files do not count
        Files.writeString(dir.resolve("README.md"), "notes");
        Files.writeString(dir.resolve("lanyard/.token.rego.swp"), "junk");
        assertEquals(copy.hash(), PolicySet.contentHash(dir));

        // any change to a policy file does
        Path mcp = dir.resolve("lanyard/mcp.rego");
        Files.writeString(mcp, Files.readString(mcp) + "\n# a comment\n");
        assertNotEquals(copy.hash(), PolicySet.contentHash(dir));
    }

    @Test
    void failingTestsAreReportedNotThrown() throws Exception {
        PolicySet.copyBundledDefaultTo(dir);
        Path data = dir.resolve("lanyard/data.json");
        Files.writeString(data, Files.readString(data).replace("\"max_token_ttl_seconds\": 3600",
                "\"max_token_ttl_seconds\": 600"));
        PolicySet set = PolicySet.load(dir);
        assertFalse(set.tests().passed());
        assertTrue(set.tests().failures().stream().anyMatch(r -> r.file().equals("lanyard/token_test.rego")),
                set.tests().failures().toString());
        // the policy itself compiled and uses the new data
        PolicyEngine engine = new PolicyEngine(set.bundle(), 1);
        String input = """
                {"agent":{"status":"ACTIVE","type":"scheduled","owners":[{"status":"ACTIVE"}],"default_scopes":["a"],
                 "max_session_seconds":3600},"connection":{"status":"ACTIVE","scopes":["a"]},"resource":{"uri":"r",
                 "tags":[]},"requested_scopes":[],"actor_chain":[],"request":{"ip":"10.0.0.1"},"session":{},
                 "approvals":[]}""";
        assertEquals(Optional.of("{\"allow\":true,\"obligations\":{},\"reasons\":[],\"scopes\":[\"a\"],"
                + "\"ttl_seconds\":600}"), engine.result("lanyard/token/decision", input).map(PolicySetTest::sorted));
    }

    @Test
    void aModuleThatDoesNotCompileIsAnErrorWithItsLocation() throws Exception {
        PolicySet.copyBundledDefaultTo(dir);
        Path token = dir.resolve("lanyard/token.rego");
        Files.writeString(token, Files.readString(token).replace("allow if count(deny) == 0",
                "allow if count(deny) == 0 +"));
        RegoCompileException e = assertThrows(RegoCompileException.class, () -> PolicySet.load(dir));
        CompileError err = e.errors().get(0);
        assertEquals("lanyard/token.rego", err.file());
        assertTrue(err.line() > 1 && err.col() > 0, err.toString());
        assertTrue(e.getMessage().startsWith("lanyard/token.rego:" + err.line() + ":" + err.col() + ": "),
                e.getMessage());
    }

    @Test
    void undefinedFunctionsAreLocatedToo() throws Exception {
        PolicySet.copyBundledDefaultTo(dir);
        Path mcp = dir.resolve("lanyard/mcp.rego");
        List<String> lines = Files.readAllLines(mcp);
        int line = lines.indexOf("allow if count(deny) == 0") + 1;
        Files.writeString(mcp, Files.readString(mcp).replace("allow if count(deny) == 0",
                "allow if no_such_function(deny) == 0"));
        RegoCompileException e = assertThrows(RegoCompileException.class, () -> PolicySet.load(dir));
        assertEquals("lanyard/mcp.rego", e.errors().get(0).file());
        assertEquals(line, e.errors().get(0).line(), e.getMessage());
    }

    @Test
    void aBrokenDataJsonIsAnErrorWithItsLocation() throws Exception {
        PolicySet.copyBundledDefaultTo(dir);
        Files.writeString(dir.resolve("lanyard/data.json"), "{\n  \"config\": {\n    \"allowed_cidrs\": [,]\n  }\n}\n");
        RegoCompileException e = assertThrows(RegoCompileException.class, () -> PolicySet.load(dir));
        CompileError err = e.errors().get(0);
        assertEquals("lanyard/data.json", err.file());
        assertEquals(3, err.line(), err.toString());
        assertTrue(err.message().startsWith("invalid JSON: "), err.message());

        Files.writeString(dir.resolve("lanyard/data.json"), "{\"config\": {}}\n}\n");
        e = assertThrows(RegoCompileException.class, () -> PolicySet.load(dir));
        assertEquals(2, e.errors().get(0).line(), e.getMessage());

        Files.writeString(dir.resolve("lanyard/data.json"), "[1, 2]");
        e = assertThrows(RegoCompileException.class, () -> PolicySet.load(dir));
        assertEquals("lanyard/data.json:1:1: data.json must hold a JSON object", e.getMessage());
    }

    @Test
    void everyEntrypointMustBeDefined() throws Exception {
        PolicySet.copyBundledDefaultTo(dir);
        Files.delete(dir.resolve("lanyard/mcp.rego"));
        Files.delete(dir.resolve("lanyard/mcp_test.rego"));
        RegoCompileException e = assertThrows(RegoCompileException.class, () -> PolicySet.load(dir));
        assertEquals("entrypoint lanyard/mcp/decision is not defined by any rule", e.getMessage());

        PolicySet tokenOnly = PolicySet.load(dir, List.of("lanyard/token/decision"));
        assertEquals(List.of("lanyard/token/decision"), tokenOnly.entrypoints());
        assertTrue(tokenOnly.tests().passed());
        assertThrows(IllegalArgumentException.class, () -> PolicySet.load(dir, List.of()));
    }

    @Test
    void customEntrypointsAndTheirOwnTests() throws Exception {
        Files.createDirectories(dir.resolve("acme"));
        Files.writeString(dir.resolve("acme/gate.rego"), """
                package acme.gate

                import rego.v1

                default open := false

                open if input.badge in data.acme.badges
                """);
        Files.writeString(dir.resolve("acme/data.json"), "{\"badges\": [\"b1\"]}");
        Files.writeString(dir.resolve("acme/gate_test.rego"), """
                package acme.gate

                import rego.v1

                test_badge_opens if open with input as {"badge": "b1"}
                """);
        PolicySet set = PolicySet.load(dir, List.of("acme/gate/open"));
        assertEquals("PASS: 1/1", set.tests().summary());
        assertEquals(Optional.of("true"), new PolicyEngine(set.bundle(), 1).result("acme/gate/open",
                "{\"badge\":\"b1\"}"));
    }

    @Test
    void hiddenFilesAreSkippedAndLinksFollowedAsInAConfigMapVolume() throws Exception {
        // kubectl mounts a ConfigMap as ..<timestamp>/<files>, ..data -> ..<timestamp>, <name> -> ..data/<name>
        Path stamp = dir.resolve("..2026_11_23_10_00_00.1");
        PolicySet.copyBundledDefaultTo(stamp);
        Files.createSymbolicLink(dir.resolve("..data"), stamp.getFileName());
        Files.createSymbolicLink(dir.resolve("lanyard"), Path.of("..data/lanyard"));
        PolicySet set = PolicySet.load(dir);
        assertEquals(PolicySet.bundledDefault().hash(), set.hash());
        assertEquals(DEFAULT_FILES, set.files().stream().map(PolicyFile::path).toList());
    }

    @Test
    void hashCoversPathsAndContentsInPathOrder() {
        Map<String, byte[]> a = new TreeMap<>(Map.of("x/a.rego", bytes("package a"), "x/data.json", bytes("{}")));
        Map<String, byte[]> reordered = new java.util.LinkedHashMap<>();
        reordered.put("x/data.json", bytes("{}"));
        reordered.put("x/a.rego", bytes("package a"));
        assertEquals(PolicySet.hash(a), PolicySet.hash(reordered));
        assertNotEquals(PolicySet.hash(a), PolicySet.hash(Map.of("y/a.rego", bytes("package a"),
                "x/data.json", bytes("{}"))));
        // moving bytes between a path and its contents changes the hash
        assertNotEquals(PolicySet.hash(Map.of("ab.rego", bytes("c"))), PolicySet.hash(Map.of("a.rego", bytes("bc"))));
        assertEquals(PolicySet.hash(a), PolicySet.hash(Map.of("x/a.rego", bytes("package a"), "x/data.json",
                bytes("{}"), "x/README.md", bytes("ignored"))));
    }

    @Test
    void fromFilesLoadsWithoutADirectory() {
        PolicySet set = PolicySet.fromFiles("memory", Map.of("p/p.rego", bytes("package p\n\nallow := true\n")),
                List.of("p/allow"));
        assertEquals("memory", set.origin());
        assertTrue(set.tests().results().isEmpty());
        assertEquals(Optional.of("true"), new PolicyEngine(set.bundle(), 1).result("p/allow", "{}"));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** JSON text with object keys sorted, for comparisons. */
    static String sorted(String json) {
        try {
            com.fasterxml.jackson.databind.ObjectMapper m = new com.fasterxml.jackson.databind.ObjectMapper()
                    .configure(com.fasterxml.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
            return m.writeValueAsString(m.readValue(json, Object.class));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
