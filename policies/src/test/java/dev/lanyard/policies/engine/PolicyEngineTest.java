package dev.lanyard.policies.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanyard.policies.RegoCompiler;
import dev.lanyard.policies.rego.Source;
import dev.lanyard.policies.wasm.WasmBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class PolicyEngineTest {
    /** The unmodified demo module from the opa-java-wasm jar, as `opa build -t wasm` produced it. */
    @Test
    void evaluatesOpaBuiltDemoBundle() {
        Bundle demo = new Bundle(WasmBackend.runtimeModule(), "{\"role\":{\"alice\":\"admin\",\"bob\":\"user\"}}", "r1",
                List.of("opa/wasm/test/allowed"));
        Bundle read = Bundle.read(demo.write());
        assertEquals(demo, read);
        PolicyEngine engine = new PolicyEngine(read, 2);
        assertEquals(Optional.of("true"), engine.result("opa/wasm/test/allowed", "{\"user\":\"alice\"}"));
        assertEquals(Optional.of("false"), engine.result("opa/wasm/test/allowed", "{\"user\":\"bob\"}"));
        assertEquals("[{\"result\":false}]", engine.evaluate("opa/wasm/test/allowed", null));
        assertThrows(IllegalArgumentException.class, () -> engine.evaluate("nope", "{}"));
    }

    @Test
    void bundleRoundTripKeepsBytesAndNestedData() throws Exception {
        byte[] wasm = WasmBackend.runtimeModule();
        Bundle b = new Bundle(wasm, "{\"n\":12345678901234567890.5}", "rev", List.of("a/b"));
        Bundle r = Bundle.read(b.write());
        assertArrayEquals(wasm, r.wasm());
        assertEquals("{\"n\":12345678901234567890.5}", r.dataJson());
        assertEquals("rev", r.revision());
        assertEquals(List.of("a/b"), r.entrypoints());
        String merged = Bundle.mergedData(java.util.Map.of("/data.json", "{\"x\":1}".getBytes(),
                "/a/b/data.json", "{\"y\":2}".getBytes()));
        assertEquals("{\"x\":1,\"a\":{\"b\":{\"y\":2}}}", merged);
    }

    @Test
    void compiledRegoSwapsAtomicallyUnderConcurrentLoad() throws Exception {
        String v1 = "package t\n\ndefault allow := false\n\nallow if input.user in data.admins\n";
        String v2 = "package t\n\ndefault allow := false\n\nallow if startswith(input.user, \"a\")\n";
        Bundle b1 = RegoCompiler.compile(List.of(new Source("t.rego", v1)), List.of("t/allow"),
                "{\"admins\":[\"bob\"]}", "1");
        Bundle b2 = RegoCompiler.compile(List.of(new Source("t.rego", v2)), List.of("t/allow"), "{}", "2");
        PolicyEngine engine = new PolicyEngine(b1, 2);
        assertEquals(Optional.of("true"), engine.result("t/allow", "{\"user\":\"bob\"}"));
        assertEquals(Optional.of("false"), engine.result("t/allow", "{\"user\":\"alice\"}"));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                if (i == 200) {
                    engine.swap(b2);
                }
                results.add(pool.submit(() -> engine.result("t/allow", "{\"user\":\"bob\"}").orElse("undefined")));
            }
            for (Future<String> f : results) {
                String r = f.get();
                // bob is allowed by revision 1 and denied by revision 2; never anything else
                assertTrue(r.equals("true") || r.equals("false"), r);
            }
        } finally {
            pool.shutdown();
        }
        assertEquals("2", engine.bundle().revision());
        assertEquals(Optional.of("false"), engine.result("t/allow", "{\"user\":\"bob\"}"));
        assertEquals(Optional.of("true"), engine.result("t/allow", "{\"user\":\"alice\"}"));
    }
}
