package dev.lanyard.policies.wasm;

import static dev.lanyard.policies.wasm.Ir.L;
import static dev.lanyard.policies.wasm.Ir.block;
import static dev.lanyard.policies.wasm.Ir.bool;
import static dev.lanyard.policies.wasm.Ir.l;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.styra.opa.wasm.OpaBuiltin;
import com.styra.opa.wasm.OpaPolicy;
import dev.lanyard.policies.builtins.LanyardBuiltins;
import dev.lanyard.policies.ir.Policy;
import dev.lanyard.policies.ir.Stmt;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hand-built IR for each statement family, evaluated by opa-java-wasm against the real runtime. */
class LoweringTest {
    static OpaPolicy load(Policy p) {
        return OpaPolicy.builder().withPolicy(WasmBackend.compile(p))
                .addBuiltins(LanyardBuiltins.all().toArray(new OpaBuiltin.Builtin[0])).build();
    }

    /** names contains n if some input.users[_].name == n and startswith(n, "a") */
    @Test
    void partialSetWithScanAndHostBuiltin() {
        Ir ir = new Ir();
        Policy p = ir.policy(List.of(ir.plan("t/names", "g0.data.t.names")), List.of(Ir.rule("g0.data.t.names", 2,
                block(new Stmt.MakeSetStmt(2, L),
                        new Stmt.DotStmt(l(0), ir.str("users"), 3, L),
                        new Stmt.ScanStmt(3, 4, 5, block(
                                new Stmt.DotStmt(l(5), ir.str("name"), 6, L),
                                ir.call("startswith", 7, l(6), ir.str("a")),
                                new Stmt.NotEqualStmt(l(7), bool(false), L),
                                new Stmt.SetAddStmt(l(6), 2, L)), L)))));
        OpaPolicy opa = load(p).data("{}");
        assertEquals("[{\"result\":[\"alice\",\"anna\"]}]",
                opa.evaluate("{\"users\":[{\"name\":\"bob\"},{\"name\":\"anna\"},{\"name\":\"alice\"},{}]}"));
        assertEquals("[{\"result\":[]}]", opa.evaluate("{}"));
    }

    /** allow if { not input.deny; x := input.n + 1; x > 2 } with arithmetic on the host */
    @Test
    void notAndArithmetic() {
        Ir ir = new Ir();
        Policy p = ir.policy(List.of(ir.plan("t/allow", "g0.data.t.allow")), List.of(Ir.rule("g0.data.t.allow", 2,
                block(new Stmt.NotStmt(block(new Stmt.DotStmt(l(0), ir.str("deny"), 3, L),
                                new Stmt.NotEqualStmt(l(3), bool(false), L)), L),
                        new Stmt.DotStmt(l(0), ir.str("n"), 4, L),
                        new Stmt.MakeNumberIntStmt(1, 5, L),
                        ir.call("plus", 6, l(4), l(5)),
                        new Stmt.MakeNumberIntStmt(2, 7, L),
                        ir.call("gt", 8, l(6), l(7)),
                        new Stmt.NotEqualStmt(l(8), bool(false), L),
                        new Stmt.AssignVarOnceStmt(l(6), 2, L)))));
        OpaPolicy opa = load(p).data("{}");
        assertEquals("[{\"result\":3}]", opa.evaluate("{\"n\":2}"));
        assertEquals("[{\"result\":12345678901234567891.5}]", opa.evaluate("{\"n\":12345678901234567890.5}"));
        assertEquals("[]", opa.evaluate("{\"n\":1}"));
        assertEquals("[]", opa.evaluate("{\"n\":5,\"deny\":true}"));
        assertEquals("[{\"result\":6}]", opa.evaluate("{\"n\":5,\"deny\":false}"));
        assertEquals("[]", opa.evaluate("{\"n\":\"x\"}"));
    }

    @Test
    void conflictingCompleteRuleAborts() {
        Ir ir = new Ir();
        Policy p = ir.policy(List.of(ir.plan("t/x", "g0.data.t.x")), List.of(Ir.rule("g0.data.t.x", 2,
                block(new Stmt.AssignVarOnceStmt(ir.str("a"), 2, L)),
                block(new Stmt.DotStmt(l(0), ir.str("b"), 3, L), new Stmt.AssignVarOnceStmt(ir.str("b"), 2, L)))));
        OpaPolicy opa = load(p).data("{}");
        assertEquals("[{\"result\":\"a\"}]", opa.evaluate("{}"));
        RuntimeException e = assertThrows(RuntimeException.class, () -> opa.evaluate("{\"b\":1}"));
        assertTrue(String.valueOf(e.getMessage()).contains("var assignment conflict"), e.getMessage());
    }

    /** Object rule with insert-once, membership builtins, count, with input replacement, merge. */
    @Test
    void objectsMembershipWithAndMerge() {
        Ir ir = new Ir();
        // g0.data.t.obj: {k: v | some k, v in input.m}, conflict-free
        Policy.Func obj = Ir.rule("g0.data.t.obj", 2, block(new Stmt.MakeObjectStmt(2, L),
                new Stmt.DotStmt(l(0), ir.str("m"), 3, L),
                new Stmt.ScanStmt(3, 4, 5, block(new Stmt.ObjectInsertOnceStmt(l(4), l(5), 2, L)), L)));
        // g0.data.t.out := {"n": count(obj), "in": "x" in input.xs, "kv": member_3(0, "x", input.xs),
        //                   "w": obj with input.m as {"z": 1}, "merged": merge(obj, {"extra": true}), "t": type_name(input.xs)}
        Policy.Func out = Ir.rule("g0.data.t.out", 2, block(
                new Stmt.CallStmt("g0.data.t.obj", List.of(l(0), l(1)), 3, L),
                ir.call("count", 4, l(3)),
                new Stmt.DotStmt(l(0), ir.str("xs"), 5, L),
                ir.call("internal.member_2", 6, ir.str("x"), l(5)),
                new Stmt.MakeNumberIntStmt(0, 7, L),
                ir.call("internal.member_3", 8, l(7), ir.str("x"), l(5)),
                new Stmt.MakeObjectStmt(9, L),
                new Stmt.MakeNumberIntStmt(1, 10, L),
                new Stmt.ObjectInsertStmt(ir.str("z"), l(10), 9, L),
                new Stmt.WithStmt(0, List.of(ir.strIndex("m")), l(9), block(
                        new Stmt.CallStmt("g0.data.t.obj", List.of(l(0), l(1)), 11, L)), L),
                new Stmt.MakeObjectStmt(12, L),
                new Stmt.ObjectInsertStmt(ir.str("extra"), bool(true), 12, L),
                new Stmt.ObjectMergeStmt(l(3), l(12), 13, L),
                ir.call("type_name", 14, l(5)),
                new Stmt.MakeObjectStmt(2, L),
                new Stmt.ObjectInsertStmt(ir.str("n"), l(4), 2, L),
                new Stmt.ObjectInsertStmt(ir.str("in"), l(6), 2, L),
                new Stmt.ObjectInsertStmt(ir.str("kv"), l(8), 2, L),
                new Stmt.ObjectInsertStmt(ir.str("w"), l(11), 2, L),
                new Stmt.ObjectInsertStmt(ir.str("merged"), l(13), 2, L),
                new Stmt.ObjectInsertStmt(ir.str("t"), l(14), 2, L),
                // the rule result after the with block must again be computed from the real input
                new Stmt.CallStmt("g0.data.t.obj", List.of(l(0), l(1)), 15, L),
                new Stmt.ObjectInsertStmt(ir.str("after"), l(15), 2, L)));
        Policy p = ir.policy(List.of(ir.plan("t/out", "g0.data.t.out")), List.of(obj, out));
        OpaPolicy opa = load(p).data("{}");
        assertEquals("[{\"result\":{\"after\":{\"a\":1,\"b\":2},\"in\":true,\"kv\":true,\"merged\":{\"a\":1,\"b\":2,"
                + "\"extra\":true},\"n\":2,\"t\":\"array\",\"w\":{\"z\":1}}}]",
                sorted(opa.evaluate("{\"m\":{\"a\":1,\"b\":2},\"xs\":[\"x\",\"y\"]}")));
    }

    private static String sorted(String json) {
        try {
            var mapper = new com.fasterxml.jackson.databind.ObjectMapper()
                    .configure(com.fasterxml.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
            Object v = mapper.readValue(json, Object.class);
            return mapper.writeValueAsString(v);
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }
}
