package dev.lanyard.policies.rego;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

/** Generic traversals over terms and bodies. */
public final class Terms {
    private Terms() {}

    /** Rebuilds {@code t} bottom-up, applying {@code f} to every term after its children were rewritten. */
    public static Term map(Term t, UnaryOperator<Term> f, UnaryOperator<List<Expr>> bodyF) {
        Term r;
        if (t instanceof Term.Ref ref) {
            r = new Term.Ref(map(ref.head(), f, bodyF), mapAll(ref.path(), f, bodyF), ref.pos());
        } else if (t instanceof Term.ArrayTerm a) {
            r = new Term.ArrayTerm(mapAll(a.items(), f, bodyF), a.pos());
        } else if (t instanceof Term.SetTerm s) {
            r = new Term.SetTerm(mapAll(s.items(), f, bodyF), s.pos());
        } else if (t instanceof Term.ObjectTerm o) {
            r = new Term.ObjectTerm(mapAll(o.keys(), f, bodyF), mapAll(o.values(), f, bodyF), o.pos());
        } else if (t instanceof Term.Call c) {
            r = new Term.Call(c.name(), mapAll(c.args(), f, bodyF), c.pos());
        } else if (t instanceof Term.ArrayCompr c) {
            r = new Term.ArrayCompr(map(c.head(), f, bodyF), bodyF.apply(c.body()), c.pos());
        } else if (t instanceof Term.SetCompr c) {
            r = new Term.SetCompr(map(c.head(), f, bodyF), bodyF.apply(c.body()), c.pos());
        } else if (t instanceof Term.ObjectCompr c) {
            r = new Term.ObjectCompr(map(c.key(), f, bodyF), map(c.value(), f, bodyF), bodyF.apply(c.body()), c.pos());
        } else {
            r = t;
        }
        return f.apply(r);
    }

    private static List<Term> mapAll(List<Term> ts, UnaryOperator<Term> f, UnaryOperator<List<Expr>> bodyF) {
        List<Term> out = new ArrayList<>(ts.size());
        for (Term t : ts) out.add(map(t, f, bodyF));
        return out;
    }

    /** Variables of {@code t}, not descending into comprehension bodies unless {@code closures}. */
    public static Set<String> vars(Term t, boolean closures) {
        Set<String> out = new LinkedHashSet<>();
        collectVars(t, closures, out);
        return out;
    }

    public static void collectVars(Term t, boolean closures, Set<String> out) {
        if (t instanceof Term.Var v) {
            out.add(v.name());
        } else if (t instanceof Term.Ref ref) {
            collectVars(ref.head(), closures, out);
            for (Term p : ref.path()) collectVars(p, closures, out);
        } else if (t instanceof Term.ArrayTerm a) {
            for (Term x : a.items()) collectVars(x, closures, out);
        } else if (t instanceof Term.SetTerm s) {
            for (Term x : s.items()) collectVars(x, closures, out);
        } else if (t instanceof Term.ObjectTerm o) {
            for (Term x : o.keys()) collectVars(x, closures, out);
            for (Term x : o.values()) collectVars(x, closures, out);
        } else if (t instanceof Term.Call c) {
            for (Term x : c.args()) collectVars(x, closures, out);
        } else if (closures && t instanceof Term.ArrayCompr c) {
            collectVars(c.head(), true, out);
            bodyVars(c.body(), out);
        } else if (closures && t instanceof Term.SetCompr c) {
            collectVars(c.head(), true, out);
            bodyVars(c.body(), out);
        } else if (closures && t instanceof Term.ObjectCompr c) {
            collectVars(c.key(), true, out);
            collectVars(c.value(), true, out);
            bodyVars(c.body(), out);
        }
    }

    public static void bodyVars(List<Expr> body, Set<String> out) {
        for (Expr e : body) exprVars(e, true, out);
    }

    public static void exprVars(Expr e, boolean closures, Set<String> out) {
        Expr.Node n = e.node();
        if (n instanceof Expr.TermNode t) {
            collectVars(t.term(), closures, out);
        } else if (n instanceof Expr.Unify u) {
            collectVars(u.left(), closures, out);
            collectVars(u.right(), closures, out);
        } else if (n instanceof Expr.Assign a) {
            collectVars(a.left(), closures, out);
            collectVars(a.right(), closures, out);
        } else if (n instanceof Expr.Some s) {
            for (Term.Var v : s.vars()) out.add(v.name());
        } else if (n instanceof Expr.SomeIn s) {
            if (s.key() != null) collectVars(s.key(), closures, out);
            collectVars(s.value(), closures, out);
            collectVars(s.domain(), closures, out);
        } else if (n instanceof Expr.Every ev) {
            collectVars(ev.domain(), closures, out);
            if (closures) {
                if (ev.key() != null) out.add(ev.key().name());
                out.add(ev.value().name());
                bodyVars(ev.body(), out);
            }
        }
        for (Expr.With w : e.withs()) collectVars(w.value(), closures, out);
    }

    /** Builds {@code data.a.b} / {@code input.x} style refs. */
    public static Term.Ref ref(String root, List<String> path, Pos pos) {
        List<Term> segs = new ArrayList<>();
        for (String s : path) segs.add(new Term.Str(s, pos));
        return new Term.Ref(new Term.Var(root, pos), segs, pos);
    }

    /** The leading run of string segments of a ref rooted at {@code root}, or null when it has another root. */
    public static List<String> groundPrefix(Term.Ref ref, String root) {
        if (!(ref.head() instanceof Term.Var v) || !v.name().equals(root)) return null;
        List<String> out = new ArrayList<>();
        for (Term t : ref.path()) {
            if (t instanceof Term.Str s) out.add(s.value());
            else break;
        }
        return out;
    }
}
