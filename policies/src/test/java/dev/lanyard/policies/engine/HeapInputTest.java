package dev.lanyard.policies.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.styra.opa.wasm.OpaBuiltin;
import com.styra.opa.wasm.OpaPolicy;
import dev.lanyard.policies.RegoCompiler;
import dev.lanyard.policies.builtins.LanyardBuiltins;
import dev.lanyard.policies.rego.Source;
import dev.lanyard.policies.wasm.WasmBackend;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The engine writes inputs into the module's heap and reads results out of it in Java; opa-java-wasm's own path
 * parses and dumps JSON in WASM. Both must give the same answer for every shape of input, including the ones where
 * the runtime's layout shows through: iteration order of object keys (hash buckets, sorted chains, growth), arrays
 * the policy appends to, decimals, duplicate keys, non-ASCII text.
 */
class HeapInputTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String POLICY = """
            package t

            keys := [k | some k, _ in input.obj]

            values := [v | some _, v in input.obj]

            walked := [[p, v] | walk(input, [p, v])]

            copy := input

            extended := array.concat(input.arr, ["tail"])

            merged := object.union(input.obj, {"added": true})

            removed := object.remove(input.obj, ["a", "k3"])

            lookups := {k: input.obj[k] | some k in ["a", "z", "k7", "ünï"]}

            sum_all := sum([n | some n in input.nums])

            set_of := {x | some x in input.arr}

            count_all := [count(input.obj), count(input.arr), count(input.nums)]
            """;
    private static final List<String> ENTRYPOINTS = List.of("t/keys", "t/values", "t/walked", "t/copy", "t/extended",
            "t/merged", "t/removed", "t/lookups", "t/sum_all", "t/set_of", "t/count_all");

    @ParameterizedTest
    @ValueSource(strings = {
            "{}",
            "{\"obj\":{},\"arr\":[],\"nums\":[]}",
            "{\"obj\":{\"a\":1,\"b\":2},\"arr\":[1,2,3],\"nums\":[1,2.5,3]}",
            "{\"obj\":{\"k1\":1,\"k2\":2,\"k3\":3,\"k4\":4,\"k5\":5,\"k6\":6,\"k7\":7,\"k8\":8,\"k9\":9,\"k10\":10,"
                    + "\"k11\":11,\"k12\":12,\"k13\":13,\"a\":null,\"ünï\":\"cödé ✓\",\"\":\"empty key\"},"
                    + "\"arr\":[\"x\",\"y\",\"x\",null,true,false,{\"n\":[1,[2,[3]]]}],"
                    + "\"nums\":[9223372036854775807,-9223372036854775808,12345678901234567890,0.1,1e3,-0,2E-2]}",
            "{\"obj\":{\"a\":1,\"a\":2,\"b\":{\"a\":[],\"b\":{}}},\"arr\":[[],[[]],{}],\"nums\":[]}",
            "{\"obj\":{\"q\\\"uote\":\"line\\nbreak\\ttab\\u0001ctl\\\\slash\",\"z\":\"\\ud83d\\ude00\"},\"arr\":[\"\\u00e9\"],\"nums\":[]}",
            "[1,2,3]",
            "\"just a string\"",
            "42",
            "null"})
    void theHeapPathAnswersExactlyAsTheRuntimesJsonPath(String input) throws Exception {
        Bundle bundle = RegoCompiler.compile(List.of(new Source("t.rego", POLICY)), ENTRYPOINTS, "{}", "t");
        PolicyEngine engine = new PolicyEngine(bundle, 1);
        OpaPolicy reference = OpaPolicy.builder().withPolicy(bundle.wasm())
                .addBuiltins(LanyardBuiltins.all().toArray(new OpaBuiltin.Builtin[0])).build();
        reference.data(bundle.dataJson());
        for (String entrypoint : ENTRYPOINTS) {
            reference.entrypoint(entrypoint);
            reference.input(input);
            String expected = reference.evaluate();
            String actual = engine.evaluate(entrypoint, input);
            assertEquals(JSON.readTree(expected), JSON.readTree(actual), entrypoint + " with input " + input);
            // a caller's parsed tree is written as its own JSON text would be
            JsonNode tree = JSON.readTree(input);
            assertEquals(engine.resultTree(entrypoint, JSON.writeValueAsString(tree)), engine.resultTree(entrypoint, tree),
                    entrypoint + " with the tree of " + input);
        }
    }

    /** The demo module was built by `opa build -t wasm`: its result set is dumped in bucket order either way. */
    @Test
    void setsInResultsKeepTheRuntimesOrder() throws Exception {
        Bundle bundle = RegoCompiler.compile(List.of(new Source("s.rego",
                "package s\n\nout := {x | some x in input}\n\nnested := {\"s\": {y | some y in input}}\n")),
                List.of("s/out", "s/nested"), "{}", "s");
        PolicyEngine engine = new PolicyEngine(bundle, 1);
        OpaPolicy reference = OpaPolicy.builder().withPolicy(bundle.wasm())
                .addBuiltins(LanyardBuiltins.all().toArray(new OpaBuiltin.Builtin[0])).build();
        reference.data("{}");
        String input = "[\"delta\",\"alpha\",\"charlie\",\"bravo\",3,1,2,{\"k\":1},[0]]";
        for (String ep : List.of("s/out", "s/nested")) {
            reference.entrypoint(ep);
            reference.input(input);
            assertEquals(reference.evaluate(), engine.evaluate(ep, input), ep);
        }
    }

    @Test
    void malformedInputIsRefusedAndTheInstanceStaysUsable() {
        Bundle demo = new Bundle(WasmBackend.runtimeModule(), "{\"role\":{\"alice\":\"admin\"}}", "r1",
                List.of("opa/wasm/test/allowed"));
        PolicyEngine engine = new PolicyEngine(demo, 1);
        for (String bad : List.of("{", "{\"user\":}", "[1,2", "{} {}", "nul")) {
            assertThrows(IllegalArgumentException.class, () -> engine.evaluate("opa/wasm/test/allowed", bad), bad);
        }
        assertEquals("[{\"result\":true}]", engine.evaluate("opa/wasm/test/allowed", "{\"user\":\"alice\"}"));
        // no input at all, as text or as a tree: undefined input, so not allowed
        assertEquals(engine.resultTree("opa/wasm/test/allowed", (String) null),
                engine.resultTree("opa/wasm/test/allowed", (JsonNode) null));
    }

    @Test
    void hashAndBucketsFollowTheRuntime() {
        // value.c: its "fnv1a32" multiplies before the XOR (FNV-1), 32-bit; 8 buckets, doubled once more keys than 0.7 × n
        assertEquals(0x811c9dc5, InputLayout.hash(new byte[0]));
        assertEquals(0x050c5d7e, InputLayout.hash("a".getBytes()));
        assertEquals(8, InputLayout.buckets(0));
        assertEquals(8, InputLayout.buckets(5));
        assertEquals(16, InputLayout.buckets(6));
        assertEquals(32, InputLayout.buckets(12));
        assertEquals(4, InputLayout.blockSize(1));
        assertEquals(16, InputLayout.blockSize(12));
        assertEquals(64, InputLayout.blockSize(17));
        assertEquals(65, InputLayout.blockSize(65));
    }
}
