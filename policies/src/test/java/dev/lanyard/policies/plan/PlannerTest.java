package dev.lanyard.policies.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanyard.policies.ir.Block;
import dev.lanyard.policies.ir.Policy;
import dev.lanyard.policies.ir.Stmt;
import dev.lanyard.policies.rego.RegoCompileException;
import dev.lanyard.policies.rego.Source;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlannerTest {
    private static Policy plan(String module, String... entrypoints) {
        List<Source> mods = new ArrayList<>();
        mods.add(new Source("policy.rego", module));
        if (module.contains("data.x.sub")) mods.add(new Source("sub.rego", "package x.sub\na := 1\nb := 2\n"));
        return Planner.plan(mods, List.of(entrypoints));
    }

    private static Policy.Func func(Policy p, String name) {
        return p.funcs().stream().filter(f -> f.name().equals(name)).findFirst().orElseThrow(() -> new AssertionError(
            "no func " + name + " in " + p.funcs().stream().map(Policy.Func::name).toList()));
    }

    /** All statements of the blocks, nested ones included, in order. */
    private static List<Stmt> flat(List<Block> blocks) {
        List<Stmt> out = new ArrayList<>();
        for (Block b : blocks) flat(b, out);
        return out;
    }

    private static void flat(Block b, List<Stmt> out) {
        for (Stmt s : b.stmts()) {
            out.add(s);
            if (s instanceof Stmt.BlockStmt bs) bs.blocks().forEach(x -> flat(x, out));
            if (s instanceof Stmt.ScanStmt sc) flat(sc.block(), out);
            if (s instanceof Stmt.NotStmt n) flat(n.block(), out);
            if (s instanceof Stmt.WithStmt w) flat(w.block(), out);
        }
    }

    private static long count(List<Stmt> stmts, Class<? extends Stmt> type) {
        return stmts.stream().filter(type::isInstance).count();
    }

    @Test
    void entrypointPlanCallsTheRuleAndWrapsResult() {
        Policy p = plan("package lanyard.token\ndefault allow := false\nallow if input.ok == true\n", "lanyard/token/allow");
        Policy.Plan plan = p.plans().get(0);
        assertEquals("lanyard/token/allow", plan.name());
        List<Stmt> stmts = flat(plan.blocks());
        Stmt.CallStmt call = (Stmt.CallStmt) stmts.get(0);
        assertEquals("g0.data.lanyard.token.allow", call.func());
        assertTrue(stmts.stream().anyMatch(s -> s instanceof Stmt.ObjectInsertStmt o
            && o.key() instanceof dev.lanyard.policies.ir.Operand.StringIndex si && p.statics().strings().get(si.index()).equals("result")));
        assertTrue(stmts.get(stmts.size() - 1) instanceof Stmt.ResultSetAddStmt);
        Policy.Func f = func(p, "g0.data.lanyard.token.allow");
        assertEquals(List.of(0, 1), f.params());
        assertEquals(List.of("g0", "lanyard", "token", "allow"), f.path());
        List<Stmt> body = flat(f.blocks());
        assertEquals(1, count(body, Stmt.AssignVarOnceStmt.class));
        // the default is a separate block guarded by "result undefined"
        Block dflt = f.blocks().get(f.blocks().size() - 2);
        assertTrue(dflt.stmts().get(0) instanceof Stmt.IsUndefinedStmt u && u.source() == f.returnLocal());
        assertTrue(f.blocks().get(f.blocks().size() - 1).stmts().get(0) instanceof Stmt.ReturnLocalStmt);
        assertTrue(p.statics().files().contains("policy.rego"));
    }

    @Test
    void partialSetAndObjectRules() {
        Policy p = plan("""
            package x
            s contains v if some v in input.vs
            o[k] := v if some k, v in input.m
            """, "x/s", "x/o");
        List<Stmt> s = flat(func(p, "g0.data.x.s").blocks());
        assertTrue(s.get(0) instanceof Stmt.MakeSetStmt);
        assertEquals(1, count(s, Stmt.ScanStmt.class));
        assertEquals(1, count(s, Stmt.SetAddStmt.class));
        List<Stmt> o = flat(func(p, "g0.data.x.o").blocks());
        assertTrue(o.get(0) instanceof Stmt.MakeObjectStmt);
        assertEquals(1, count(o, Stmt.ObjectInsertOnceStmt.class));
    }

    @Test
    void operatorsBecomeBuiltinCalls() {
        Policy p = plan("package x\nr := y if { y := input.a + 1; y < 10; startswith(input.s, \"a\") }\n", "x/r");
        List<Stmt> stmts = flat(func(p, "g0.data.x.r").blocks());
        List<String> called = stmts.stream().filter(s -> s instanceof Stmt.CallStmt).map(s -> ((Stmt.CallStmt) s).func()).toList();
        assertEquals(List.of("plus", "lt", "startswith"), called);
        assertEquals(List.of("plus", "lt", "startswith"), p.statics().builtinFuncs());
    }

    @Test
    void safetyReorderingIsApplied() {
        Policy p = plan("package x\nr if { x > 1; x := input.n }\n", "x/r");
        List<Stmt> stmts = flat(func(p, "g0.data.x.r").blocks());
        int dot = -1;
        int gt = -1;
        for (int i = 0; i < stmts.size(); i++) {
            if (stmts.get(i) instanceof Stmt.DotStmt && dot < 0) dot = i;
            if (stmts.get(i) instanceof Stmt.CallStmt c && c.func().equals("gt")) gt = i;
        }
        assertTrue(dot >= 0 && gt > dot, "input.n must be read before x > 1");
    }

    @Test
    void notComprehensionAndEvery() {
        Policy p = plan("""
            package x
            r if {
                not input.blocked
                names := [n | some n in input.names]
                every n in names { n != "root" }
            }
            """, "x/r");
        List<Stmt> stmts = flat(func(p, "g0.data.x.r").blocks());
        assertEquals(1, count(stmts, Stmt.NotStmt.class));
        assertEquals(1, count(stmts, Stmt.MakeArrayStmt.class));
        assertEquals(1, count(stmts, Stmt.ArrayAppendStmt.class));
        assertEquals(2, count(stmts, Stmt.ScanStmt.class));
    }

    @Test
    void dataRefWithVariableEnumeratesRulesAndBaseDocuments() {
        Policy p = plan("""
            package x
            r contains k if data.x.sub[k]
            """, "x/r", "x/sub/a", "x/sub/b");
        List<Stmt> stmts = flat(func(p, "g0.data.x.r").blocks());
        List<String> calls = stmts.stream().filter(s -> s instanceof Stmt.CallStmt).map(s -> ((Stmt.CallStmt) s).func()).toList();
        assertTrue(calls.containsAll(List.of("g0.data.x.sub.a", "g0.data.x.sub.b")), calls.toString());
        assertEquals(1, count(stmts, Stmt.ScanStmt.class), "base document scan");
        long skips = stmts.stream().filter(x -> x instanceof Stmt.NotEqualStmt n
            && n.b() instanceof dev.lanyard.policies.ir.Operand.StringIndex).count();
        assertEquals(2, skips, "base keys shadowed by rules are skipped");
    }

    @Test
    void extentMergesRuleValuesWithBaseData() {
        Policy p = Planner.plan(List.of(new Source("a.rego", "package x\na := 1\n")), List.of("x"));
        List<Stmt> stmts = flat(p.plans().get(0).blocks());
        assertEquals(1, count(stmts, Stmt.ObjectMergeStmt.class));
    }

    @Test
    void withOnInputIsPlannedAndOnRulesRejected() {
        Policy p = plan("package x\nq if input.a == 1\nr if q with input.a as 1\n", "x/r");
        List<Stmt> stmts = flat(func(p, "g0.data.x.r").blocks());
        Stmt.WithStmt w = (Stmt.WithStmt) stmts.stream().filter(s -> s instanceof Stmt.WithStmt).findFirst().orElseThrow();
        assertEquals(0, w.local());
        assertEquals("a", p.statics().strings().get(w.path().get(0)));
        RegoCompileException e = assertThrows(RegoCompileException.class,
            () -> plan("package x\nq := {\"k\": 1}\nr if q.k with data.x.q.k as 2\n", "x/r"));
        assertTrue(e.getMessage().contains("policy.rego:3:10: unsupported: with on virtual document data.x.q.k below a rule"),
            e.getMessage());
    }

    @Test
    void withReplacingARuleByAValueReadsItFromData() {
        Policy p = plan("package x\nq := 1\ns := q + 1\nr := v if v := s with data.x.q as input.v\n", "x/r");
        Stmt.WithStmt w = (Stmt.WithStmt) flat(func(p, "g0.data.x.r").blocks()).stream()
            .filter(st -> st instanceof Stmt.WithStmt).findFirst().orElseThrow();
        assertEquals(1, w.local());
        List<Stmt> s = flat(func(p, "g1.data.x.s").blocks());
        assertFalse(s.stream().anyMatch(st -> st instanceof Stmt.CallStmt c && c.func().endsWith("data.x.q")),
            "the replaced rule is read from data, not called");
        assertTrue(s.stream().anyMatch(st -> st instanceof Stmt.DotStmt d && d.source().equals(dev.lanyard.policies.ir.Operand.local(1))));
    }

    @Test
    void withReplacingARuleByAConstantReplansUnderANewGeneration() {
        Policy p = plan("package x\nq := 1\ns := q + 1\nr := v if v := s with data.x.q as 2\n", "x/r");
        List<String> names = p.funcs().stream().map(Policy.Func::name).toList();
        assertTrue(names.contains("g1.data.x.s"), names.toString());
        assertFalse(names.contains("g1.data.x.q"), "the mocked rule is not called under the mock");
        assertFalse(flat(func(p, "g0.data.x.r").blocks()).stream().anyMatch(st -> st instanceof Stmt.WithStmt),
            "no runtime WithStmt for a plan-time mock");
        assertEquals(List.of("g1", "x", "s"), func(p, "g1.data.x.s").path());
    }

    @Test
    void withReplacingFunctionsAndBuiltins() {
        Policy p = plan("""
            package x
            f(_) := 2
            g(_) := 1
            q if count([1, 2]) == 7
            r := y if y := f(true) with f as g
            s if q with count as 7
            t if q
            """, "x/r", "x/s", "x/t");
        List<String> calls = flat(func(p, "g0.data.x.r").blocks()).stream()
            .filter(st -> st instanceof Stmt.CallStmt).map(st -> ((Stmt.CallStmt) st).func()).toList();
        assertTrue(calls.contains("g0.data.x.g") && !calls.contains("g0.data.x.f"), calls.toString());
        List<Stmt> q1 = flat(func(p, "g1.data.x.q").blocks());
        assertFalse(q1.stream().anyMatch(st -> st instanceof Stmt.CallStmt c && c.func().equals("count")), "count is replaced");
        assertTrue(flat(func(p, "g0.data.x.q").blocks()).stream().anyMatch(st -> st instanceof Stmt.CallStmt c && c.func().equals("count")));
    }

    @Test
    void functionsTakeArgumentsAfterInputAndData() {
        Policy p = plan("package x\nf(a, b) := a + b\nr := f(1, 2)\n", "x/r");
        Policy.Func f = func(p, "g0.data.x.f");
        assertEquals(List.of(0, 1, 2, 3), f.params());
        Stmt.CallStmt call = (Stmt.CallStmt) flat(func(p, "g0.data.x.r").blocks()).stream()
            .filter(s -> s instanceof Stmt.CallStmt c && c.func().equals("g0.data.x.f")).findFirst().orElseThrow();
        assertEquals(4, call.args().size());
        assertFalse(p.statics().builtinFuncs().contains("g0.data.x.f"));
    }

    @Test
    void queryPlanReportsEachVariable() {
        Policy p = Planner.planQuery(List.of(), new Source("q", "x := 1; y := [x, 2]"));
        List<Stmt> stmts = flat(p.plans().get(0).blocks());
        assertEquals(Planner.QUERY_PLAN, p.plans().get(0).name());
        List<String> keys = stmts.stream().filter(s -> s instanceof Stmt.ObjectInsertStmt)
            .map(s -> p.statics().strings().get(((dev.lanyard.policies.ir.Operand.StringIndex) ((Stmt.ObjectInsertStmt) s).key()).index()))
            .toList();
        assertEquals(List.of("x", "y"), keys);
    }

    @Test
    void bigNumbersStayText() {
        Policy p = Planner.planQuery(List.of(), new Source("q", "x := 123456789012345678901234567890"));
        Stmt.MakeNumberRefStmt ref = (Stmt.MakeNumberRefStmt) flat(p.plans().get(0).blocks()).stream()
            .filter(s -> s instanceof Stmt.MakeNumberRefStmt).findFirst().orElseThrow();
        assertEquals("123456789012345678901234567890", p.statics().strings().get(ref.index()));
    }
}
