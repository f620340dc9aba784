package dev.lanyard.policies.rego;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CompilerTest {
    private static Program compile(String... modules) {
        List<Source> srcs = new java.util.ArrayList<>();
        for (int i = 0; i < modules.length; i++) srcs.add(new Source("m" + i + ".rego", modules[i]));
        return Compiler.compile(srcs);
    }

    private static CompileError error(String... modules) {
        RegoCompileException e = assertThrows(RegoCompileException.class, () -> compile(modules));
        return e.errors().get(0);
    }

    @Test
    void resolvesRuleNamesImportsAndFunctions() {
        Program p = compile("""
            package a
            import data.b.helpers as h
            allow if { ok; h.check(input.x) }
            ok := true
            """, """
            package b.helpers
            check(x) if x > 1
            """);
        Rule allow = p.group(List.of("a", "allow")).get(0);
        Term.Ref ok = (Term.Ref) ((Expr.TermNode) allow.body().get(0).node()).term();
        assertEquals(List.of("a", "ok"), Terms.groundPrefix(ok, "data"));
        Term.Call call = (Term.Call) ((Expr.TermNode) allow.body().get(1).node()).term();
        assertEquals("data.b.helpers.check", call.name());
        assertTrue(p.isFunction(List.of("b", "helpers", "check")));
    }

    @Test
    void unsupportedBuiltinIsLocated() {
        CompileError e = error("package p\n\nr if {\n    http.send({\"url\": \"x\"})\n}\n");
        assertEquals("m0.rego", e.file());
        assertEquals(4, e.line());
        assertEquals(5, e.col());
        assertEquals("m0.rego:4:5: unsupported: builtin http.send", e.toString());
    }

    @Test
    void printIsErasedAsOpaBuildDoes() {
        Program p = compile("package p\nr if { print(\"debug\", input.x); true }");
        Expr first = p.group(List.of("p", "r")).get(0).body().get(0);
        assertTrue(first.node() instanceof Expr.TermNode t && t.term() instanceof Term.Bool b && b.value());
    }

    @Test
    void unknownFunctionAndArity() {
        assertTrue(error("package p\nr if nosuch(1)").message().contains("undefined function nosuch"));
        assertTrue(error("package p\nr if startswith(\"a\")").message().contains("arity"));
        assertTrue(error("package p\nf(x) := x\nr if f(1, 2, 3)").message().contains("arity"));
    }

    @Test
    void recursionIsRejected() {
        CompileError e = error("package p\na if b\nb if a\n");
        assertTrue(e.message().startsWith("rego_recursion_error"), e.message());
    }

    @Test
    void conflictingRuleKinds() {
        assertTrue(error("package p\nr := 1\nr contains 2\n").message().contains("conflicting rules"));
        assertTrue(error("package p\nr := 1\nr.q := 2\n").message().contains("conflicts"));
        assertTrue(error("package p\ndefault r := 1\ndefault r := 2\n").message().contains("multiple default"));
    }

    @Test
    void comprehensionVariablesDeclaredLaterInTheBodyStayLocal() {
        // x inside the comprehension is its own variable: the outer x is only declared afterwards
        Program p = compile("package p\nr := x if {\n  y := {x | some x in [1, 2]}\n  x := count(y)\n}\n");
        List<Expr> ordered = new Safety(p).order(p.group(List.of("p", "r")).get(0).body(), java.util.Set.of());
        assertTrue(ordered.get(0).node() instanceof Expr.Assign a && a.right() instanceof Term.SetCompr);
    }

    @Test
    void generatedVariablesSatisfyComparisons() {
        // foo is bound by the reference that enumerates input.foos, not by the comparison
        Program p = compile("package p\nr if { some foo; foo == input.foos[foo] }\n");
        assertEquals(2, new Safety(p).order(p.group(List.of("p", "r")).get(0).body(), java.util.Set.of()).size());
    }

    @Test
    void safetyReordersAndReportsUnsafeVars() {
        Program p = compile("package p\nr if { x > 1; x = 2 }");
        Safety s = new Safety(p);
        List<Expr> body = p.group(List.of("p", "r")).get(0).body();
        List<Expr> ordered = s.order(body, java.util.Set.of());
        assertTrue(ordered.get(0).node() instanceof Expr.Unify);
        RegoCompileException e = assertThrows(RegoCompileException.class,
            () -> s.order(compile("package p\nr if { y > 1 }").group(List.of("p", "r")).get(0).body(), java.util.Set.of()));
        assertTrue(e.getMessage().contains("var y is unsafe"), e.getMessage());
        assertEquals(2, e.errors().get(0).line());
    }
}
