package dev.lanyard.policies.wasm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.lanyard.policies.RegoCompiler;
import dev.lanyard.policies.engine.PolicyEngine;
import dev.lanyard.policies.rego.Source;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Builtins lowered to WASM helpers (and their host fallbacks), from Rego through the whole pipeline. */
class InlineBuiltinsTest {
    private static final ObjectMapper JSON = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    static String eval(String rego, String input) throws Exception {
        PolicyEngine e = new PolicyEngine(RegoCompiler.compile(List.of(new Source("t.rego", rego)), List.of("t/out"),
                "{}", "t"), 1);
        String r = e.result("t/out", input).orElse("undefined");
        return r.equals("undefined") ? r : JSON.writeValueAsString(JSON.readValue(r, Object.class));
    }

    @Test
    void setOperatorsAndArithmeticMinus() throws Exception {
        String rego = """
                package t

                a := {x | some x in input.a}

                b := {x | some x in input.b}

                out := {"and": sort(a & b), "or": sort(a | b), "minus": sort(a - b), "num": input.n - 1,
                        "big": input.n - 0.5}
                """;
        assertEquals("{\"and\":[2],\"big\":9.5,\"minus\":[1],\"num\":9,\"or\":[1,2,3]}",
                eval(rego, "{\"a\":[1,2],\"b\":[2,3],\"n\":10}"));
    }

    @Test
    void affixesOnBytesIncludingLiteralsAndUnicode() throws Exception {
        String rego = """
                package t

                out := [startswith(input.s, "hé"), endswith(input.s, "ö!"), startswith(input.s, input.s),
                        endswith("x", "longer"), startswith("", ""), is_string("lit"), type_name("lit")]
                """;
        assertEquals("[true,true,true,false,true,true,\"string\"]", eval(rego, "{\"s\":\"héllo wörld ö!\"}"));
        assertEquals("undefined", eval("package t\n\nout := startswith(input.n, \"1\")\n", "{\"n\":1}"));
    }

    @Test
    void objectGetWithDefaultAndPath() throws Exception {
        String rego = """
                package t

                out := [object.get(input, "a", 0), object.get(input, "zz", "d"), object.get(input, ["b", "c"], 0),
                        object.get(input, ["b", "x"], "none")]
                """;
        assertEquals("[1,\"d\",2,\"none\"]", eval(rego, "{\"a\":1,\"b\":{\"c\":2}}"));
    }

    @Test
    void countOfStringsAndCollections() throws Exception {
        String rego = """
                package t

                out := [count(input.s), count(input.xs), count({1, 2}), count({"k": 1})]
                """;
        assertEquals("[5,3,2,1]", eval(rego, "{\"s\":\"héllo\",\"xs\":[1,2,3]}"));
    }

    @Test
    void timeNowIsFixedWithinAnEvaluation() throws Exception {
        String rego = """
                package t

                a := time.now_ns()

                out := [a == time.now_ns(), time.now_ns() > 1700000000000000000, a]
                """;
        PolicyEngine e = new PolicyEngine(RegoCompiler.compile(List.of(new Source("t.rego", rego)), List.of("t/out"),
                "{}", "t"), 1);
        String first = e.result("t/out", "{}").orElseThrow();
        org.junit.jupiter.api.Assertions.assertTrue(first.startsWith("[true,true,"), first);
        Thread.sleep(2);
        String second = e.result("t/out", "{}").orElseThrow();
        org.junit.jupiter.api.Assertions.assertNotEquals(first, second, "a new evaluation reads the clock again");
    }

    @Test
    void sortMinMaxInRegoOrder() throws Exception {
        String rego = """
                package t

                s := {x | some x in input.xs}

                out := {"sa": sort(input.xs), "ss": sort(s), "min": min(input.xs), "max": max(s),
                        "mixed": sort([{1}, {"a": 1}, [1], "a", 1, false, null, 0.5]), "empty": sort([]),
                        "nomax": [m | m := max([])]}
                """;
        assertEquals("{\"empty\":[],\"max\":9,\"min\":-1,\"mixed\":[null,false,0.5,1,\"a\",[1],{\"a\":1},[1]],"
                + "\"nomax\":[],\"sa\":[-1,2,2,3.5,9],\"ss\":[-1,2,3.5,9]}",
                eval(rego, "{\"xs\":[3.5,2,-1,9,2]}"));
    }
}
