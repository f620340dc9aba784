package dev.lanyard.policies.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.styra.opa.wasm.OpaBuiltin;
import dev.lanyard.policies.RegoCompiler;
import dev.lanyard.policies.builtins.LanyardBuiltins;
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
    private static final OpaBuiltin.Builtin[] BUILTINS = LanyardBuiltins.all().toArray(new OpaBuiltin.Builtin[0]);

    /** The unmodified demo module from the opa-java-wasm jar, as `opa build -t wasm` produced it. */
    @Test
    void evaluatesOpaBuiltDemoBundle() throws Exception {
        Bundle demo = new Bundle(WasmBackend.runtimeModule(), "{\"role\":{\"alice\":\"admin\",\"bob\":\"user\"}}", "r1",
                List.of("opa/wasm/test/allowed"));
        Bundle read = Bundle.read(demo.write());
        assertEquals(demo, read);
        PolicyEngine engine = new PolicyEngine(read, 2);
        assertEquals(Optional.of("true"), engine.result("opa/wasm/test/allowed", "{\"user\":\"alice\"}"));
        assertEquals(Optional.of("false"), engine.result("opa/wasm/test/allowed", "{\"user\":\"bob\"}"));
        assertEquals("[{\"result\":false}]", engine.evaluate("opa/wasm/test/allowed", (String) null));
        assertEquals("[{\"result\":false}]", engine.evaluate("opa/wasm/test/allowed", (com.fasterxml.jackson.databind.JsonNode) null));
        assertEquals("[{\"result\":true}]", engine.evaluate("opa/wasm/test/allowed",
                new com.fasterxml.jackson.databind.ObjectMapper().readTree("{\"user\":\"alice\"}")));
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

    /**
     * Instances of one revision run the same compiled classes (compiled once) but each on its own memory: concurrent
     * evaluations keep their inputs apart, and host built-ins (sprintf is one of ours) answer into the right instance.
     */
    /** Inputs are laid out in a buffer the thread reuses: inputs of changing sizes each get their own answer. */
    @Test
    void aSmallInputAfterALargeOneSeesOnlyItself() throws Exception {
        String rego = "package t\n\nkeys := [k | input[k]]\nn := count(input.list)\n";
        Bundle b = RegoCompiler.compile(List.of(new Source("t.rego", rego)), List.of("t/keys", "t/n"), "{}", "1");
        WasmInstance one = new WasmInstance(new CompiledModule(b.wasm()), b.dataJson(), BUILTINS);
        StringBuilder large = new StringBuilder("{\"list\":[");
        for (int i = 0; i < 400; i++) {
            large.append(i == 0 ? "" : ",").append("{\"id\":\"item-").append(i).append("\",\"on\":true}");
        }
        large.append("],\"extra\":{\"deep\":[1,2,3]},\"z\":null}");
        assertEquals("[{\"result\":400}]", one.evaluate(one.entrypoints().get("t/n"), large.toString()));
        assertEquals("[{\"result\":[\"extra\",\"list\",\"z\"]}]",
                one.evaluate(one.entrypoints().get("t/keys"), large.toString()));
        for (int round = 0; round < 3; round++) {
            assertEquals("[{\"result\":[\"a\"]}]", one.evaluate(one.entrypoints().get("t/keys"), "{\"a\":1}"));
            assertEquals("[{\"result\":1}]", one.evaluate(one.entrypoints().get("t/n"), "{\"list\":[7]}"));
            assertEquals("[{\"result\":400}]", one.evaluate(one.entrypoints().get("t/n"), large.toString()));
        }
    }

    @Test
    void pooledInstancesShareTheCompiledModuleButNotTheirMemory() throws Exception {
        String rego = "package t\n\nmsg := sprintf(\"%s:%d\", [input.user, input.n])\n";
        Bundle b = RegoCompiler.compile(List.of(new Source("t.rego", rego)), List.of("t/msg"), "{}", "1");
        CompiledModule module = new CompiledModule(b.wasm());
        WasmInstance one = new WasmInstance(module, b.dataJson(), BUILTINS);
        WasmInstance two = new WasmInstance(module, b.dataJson(), BUILTINS);
        assertEquals(one.machineClass(), two.machineClass());
        int entrypoint = one.entrypoints().get("t/msg");
        assertEquals("[{\"result\":\"a:1\"}]", one.evaluate(entrypoint, "{\"user\":\"a\",\"n\":1}"));
        assertEquals("[{\"result\":\"b:2\"}]", two.evaluate(entrypoint, "{\"user\":\"b\",\"n\":2}"));
        // the fallback where the binding is refused: an instance with its own compiled copy answers the same
        WasmInstance own = new WasmInstance(module, b.dataJson(), BUILTINS, false);
        assertNotEquals(one.machineClass(), own.machineClass());
        assertEquals("[{\"result\":\"c:3\"}]", own.evaluate(entrypoint, "{\"user\":\"c\",\"n\":3}"));

        PolicyEngine engine = new PolicyEngine(b, 4);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<String>>> threads = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                String user = "user" + t;
                threads.add(pool.submit(() -> {
                    List<String> wrong = new ArrayList<>();
                    for (int n = 0; n < 300; n++) {
                        String got = engine.result("t/msg", "{\"user\":\"" + user + "\",\"n\":" + n + "}").orElse("undefined");
                        if (!got.equals("\"" + user + ":" + n + "\"")) {
                            wrong.add(got);
                        }
                    }
                    return wrong;
                }));
            }
            for (Future<List<String>> f : threads) {
                assertEquals(List.of(), f.get());
            }
        } finally {
            pool.shutdown();
        }
    }
}
