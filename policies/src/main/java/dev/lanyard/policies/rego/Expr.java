package dev.lanyard.policies.rego;

import java.util.List;

/** One literal of a body: an expression node, optionally negated and with {@code with} modifiers. */
public record Expr(Node node, boolean negated, List<With> withs, Pos pos) {
    public Expr {
        withs = List.copyOf(withs);
    }

    public Expr(Node node, Pos pos) {
        this(node, false, List.of(), pos);
    }

    public sealed interface Node {}

    /** A term that must be defined and not false. */
    public record TermNode(Term term) implements Node {}

    /** {@code left = right}. */
    public record Unify(Term left, Term right) implements Node {}

    /** {@code left := right}: like unify, but the variables of {@code left} are declared here. */
    public record Assign(Term left, Term right) implements Node {}

    /** {@code some x, y}. */
    public record Some(List<Term.Var> vars) implements Node {
        public Some {
            vars = List.copyOf(vars);
        }
    }

    /** {@code some key, value in domain} ({@code key} may be null). */
    public record SomeIn(Term key, Term value, Term domain) implements Node {}

    /** {@code every key, value in domain { body }} ({@code key} may be null). */
    public record Every(Term.Var key, Term.Var value, Term domain, List<Expr> body) implements Node {
        public Every {
            body = List.copyOf(body);
        }
    }

    /** {@code with target as value}. */
    public record With(Term target, Term value, Pos pos) {}
}
