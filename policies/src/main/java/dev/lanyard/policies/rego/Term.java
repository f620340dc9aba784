package dev.lanyard.policies.rego;

import java.util.List;

/** Rego terms. Immutable; every term carries the position it was parsed at. */
public sealed interface Term {
    Pos pos();

    /** A variable; {@code input} and {@code data} are the root documents. Wildcards get unique names "$N". */
    record Var(String name, Pos pos) implements Term {
        public boolean isWildcard() {
            return name.startsWith("$");
        }
    }

    record Null(Pos pos) implements Term {}

    record Bool(boolean value, Pos pos) implements Term {}

    /** A number kept in its literal text so big and decimal numbers survive unchanged. */
    record Num(String text, Pos pos) implements Term {}

    record Str(String value, Pos pos) implements Term {}

    /** {@code head.path[0][path[1]]…}; dotted segments are {@link Str} terms. */
    record Ref(Term head, List<Term> path, Pos pos) implements Term {
        public Ref {
            path = List.copyOf(path);
        }
    }

    record ArrayTerm(List<Term> items, Pos pos) implements Term {
        public ArrayTerm {
            items = List.copyOf(items);
        }
    }

    record SetTerm(List<Term> items, Pos pos) implements Term {
        public SetTerm {
            items = List.copyOf(items);
        }
    }

    record ObjectTerm(List<Term> keys, List<Term> values, Pos pos) implements Term {
        public ObjectTerm {
            keys = List.copyOf(keys);
            values = List.copyOf(values);
        }
    }

    record ArrayCompr(Term head, List<Expr> body, Pos pos) implements Term {
        public ArrayCompr {
            body = List.copyOf(body);
        }
    }

    record SetCompr(Term head, List<Expr> body, Pos pos) implements Term {
        public SetCompr {
            body = List.copyOf(body);
        }
    }

    record ObjectCompr(Term key, Term value, List<Expr> body, Pos pos) implements Term {
        public ObjectCompr {
            body = List.copyOf(body);
        }
    }

    /**
     * A call; {@code name} is the dotted operator ("startswith", "plus", "data.pkg.f" once resolved). Operators are
     * parsed straight into calls of their builtin names.
     */
    record Call(String name, List<Term> args, Pos pos) implements Term {
        public Call {
            args = List.copyOf(args);
        }
    }

    /** True for terms with no variables, refs, calls or comprehensions. */
    static boolean isGround(Term t) {
        if (t instanceof Null || t instanceof Bool || t instanceof Num || t instanceof Str) return true;
        if (t instanceof ArrayTerm a) return a.items().stream().allMatch(Term::isGround);
        if (t instanceof SetTerm s) return s.items().stream().allMatch(Term::isGround);
        if (t instanceof ObjectTerm o) {
            return o.keys().stream().allMatch(Term::isGround) && o.values().stream().allMatch(Term::isGround);
        }
        return false;
    }
}
