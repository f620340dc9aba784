package dev.lanyard.policies.rego;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ParserTest {
    private static Module parse(String s) {
        return Parser.parseModule(new Source("policy.rego", s));
    }

    private static Term query1(String s) {
        Expr e = Parser.parseQuery(new Source("q", s)).get(0);
        return ((Expr.TermNode) e.node()).term();
    }

    @Test
    void packageImportsAndRuleKinds() {
        Module m = parse("""
            package lanyard.token
            import rego.v1
            import data.lib.util as u
            import input.agent

            default allow := false
            allow if input.agent.status == "ACTIVE"
            scopes contains s if some s in input.requested_scopes
            limits[name] := v if { some name, v in data.limits }
            a.b.c := 1
            f(x) := x + 1
            """);
        assertEquals(List.of("lanyard", "token"), m.pkg());
        assertEquals(3, m.imports().size());
        assertEquals("u", m.imports().get(1).name());
        assertEquals("agent", m.imports().get(2).name());
        List<Rule> rs = m.rules();
        assertTrue(rs.get(0).isDefault());
        assertEquals(Rule.Kind.COMPLETE, rs.get(1).kind());
        assertEquals(Rule.Kind.PARTIAL_SET, rs.get(2).kind());
        assertEquals(Rule.Kind.PARTIAL_OBJECT, rs.get(3).kind());
        assertInstanceOf(Term.Var.class, rs.get(3).key());
        assertEquals(List.of("a", "b", "c"), rs.get(4).path());
        assertEquals(Rule.Kind.FUNCTION, rs.get(5).kind());
        assertEquals(1, rs.get(5).args().size());
        assertEquals(new Pos("policy.rego", 7, 1), rs.get(1).pos());
    }

    @Test
    void generalRefHeads() {
        Module m = parse("""
            package p
            users[name].role := r if some name, r in input.roles
            scopes[tool] contains s if { some tool, ss in input.t; some s in ss }
            """);
        Rule users = m.rules().get(0);
        assertEquals(Rule.Kind.PARTIAL_OBJECT, users.kind());
        assertEquals(List.of("users"), users.path());
        assertEquals("role", ((Term.Str) users.key()).value());
        assertInstanceOf(Term.Var.class, users.prefixKeys().get(0));
        Rule scopes = m.rules().get(1);
        assertEquals(Rule.Kind.PARTIAL_SET, scopes.kind());
        assertEquals(1, scopes.prefixKeys().size());
    }

    @Test
    void elseChains() {
        Module m = parse("""
            package p
            r := 1 if { input.x } else := 2 if { input.y } else := 3
            """);
        Rule r = m.rules().get(0);
        assertNotNull(r.elseRule());
        assertEquals("2", ((Term.Num) r.elseRule().value()).text());
        assertEquals("3", ((Term.Num) r.elseRule().elseRule().value()).text());
        assertNull(r.elseRule().elseRule().elseRule());
    }

    @Test
    void operatorPrecedence() {
        Term t = query1("1 + 2 * 3 == 7");
        Term.Call eq = assertInstanceOf(Term.Call.class, t);
        assertEquals("equal", eq.name());
        Term.Call plus = assertInstanceOf(Term.Call.class, eq.args().get(0));
        assertEquals("plus", plus.name());
        assertEquals("mul", ((Term.Call) plus.args().get(1)).name());
        Term.Call in = assertInstanceOf(Term.Call.class, query1("x in a | b"));
        assertEquals("internal.member_2", in.name());
        assertEquals("or", ((Term.Call) in.args().get(1)).name());
        assertEquals("internal.member_3", ((Term.Call) query1("k, v in obj")).name());
        assertEquals("-1", ((Term.Num) query1("-1")).text());
    }

    @Test
    void collectionsAndComprehensions() {
        assertInstanceOf(Term.ObjectTerm.class, query1("{}"));
        assertInstanceOf(Term.SetTerm.class, query1("{1, 2}"));
        assertInstanceOf(Term.SetTerm.class, query1("set()"));
        assertInstanceOf(Term.ArrayCompr.class, query1("[x | x := input[_]]"));
        assertInstanceOf(Term.SetCompr.class, query1("{x | some x in input}"));
        Term.ObjectCompr oc = assertInstanceOf(Term.ObjectCompr.class, query1("{k: v | some k, v in input}"));
        assertEquals(1, oc.body().size());
    }

    @Test
    void refsCallsAndWildcards() {
        Term.Ref r = assertInstanceOf(Term.Ref.class, query1("input.users[i].roles[_]"));
        assertEquals(4, r.path().size());
        assertEquals("users", ((Term.Str) r.path().get(0)).value());
        assertTrue(((Term.Var) r.path().get(3)).isWildcard());
        Term.Call c = assertInstanceOf(Term.Call.class, query1("time.parse_rfc3339_ns(input.t)"));
        assertEquals("time.parse_rfc3339_ns", c.name());
        assertInstanceOf(Term.Call.class, query1("contains(\"abc\", \"b\")"));
    }

    @Test
    void literalsSomeEveryNotWith() {
        List<Expr> body = Parser.parseQuery(new Source("q", """
            some x in xs
            some k, v in obj
            some y
            every z in zs { z > 1 }
            not p with input.a as 1 with data.b as 2
            x := 1; y = 2
            """));
        assertInstanceOf(Expr.SomeIn.class, body.get(0).node());
        assertNotNull(((Expr.SomeIn) body.get(1).node()).key());
        assertInstanceOf(Expr.Some.class, body.get(2).node());
        assertInstanceOf(Expr.Every.class, body.get(3).node());
        assertTrue(body.get(4).negated());
        assertEquals(2, body.get(4).withs().size());
        assertInstanceOf(Expr.Assign.class, body.get(5).node());
        assertInstanceOf(Expr.Unify.class, body.get(6).node());
    }

    @Test
    void negatedEveryAndElseOnTheNextLine() {
        List<Expr> body = Parser.parseQuery(new Source("q", "not every x in xs { x > 1 }"));
        assertTrue(body.get(0).negated());
        assertInstanceOf(Expr.Every.class, body.get(0).node());
        Module m = parse("package p\nq if {\n  false\n}\n\nelse := 2\n");
        assertNotNull(m.rules().get(0).elseRule());
    }

    @Test
    void parseErrorsNameTheLocation() {
        RegoCompileException e = assertThrows(RegoCompileException.class, () -> parse("package p\n\nallow if {\n  x := \n}\n"));
        CompileError err = e.errors().get(0);
        assertEquals("policy.rego", err.file());
        assertEquals(5, err.line());
        assertEquals(1, err.col());
        assertTrue(err.toString().startsWith("policy.rego:5:1: rego_parse_error"), err.toString());
        RegoCompileException two = assertThrows(RegoCompileException.class, () -> parse("package p\nr if { a b }"));
        assertEquals(2, two.errors().get(0).line());
        assertEquals(10, two.errors().get(0).col());
    }

    @Test
    void v0BodyWithoutIfIsRejected() {
        assertThrows(RegoCompileException.class, () -> parse("package p\nallow { true }"));
    }
}
