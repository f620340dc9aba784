package dev.lanyard.policies.rego;

import dev.lanyard.policies.builtins.BuiltinCatalog;
import dev.lanyard.policies.builtins.BuiltinSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Variable safety: orders a body so that every expression runs only once the variables it reads are bound, as OPA's
 * compiler does ({@code x > 1; x = 2} runs as {@code x = 2; x > 1}). A body that cannot be ordered has an unsafe
 * variable, reported with the position of the first expression that could not run.
 */
public final class Safety {
    private final Program program;

    public Safety(Program program) {
        this.program = program;
    }

    /** Returns {@code body} reordered for evaluation given the variables already bound. */
    public List<Expr> order(List<Expr> body, Set<String> bound) {
        // a variable declared (:=, some) by a later expression is not visible to closures of earlier ones
        Map<String, Integer> declaredAt = new HashMap<>();
        for (int i = 0; i < body.size(); i++) {
            Expr.Node n = body.get(i).node();
            Set<String> decl = new HashSet<>();
            if (n instanceof Expr.Assign a) decl.addAll(Terms.vars(a.left(), false));
            if (n instanceof Expr.Some s) for (Term.Var v : s.vars()) decl.add(v.name());
            if (n instanceof Expr.SomeIn s) {
                decl.addAll(Terms.vars(s.value(), false));
                if (s.key() != null) decl.addAll(Terms.vars(s.key(), false));
            }
            for (String v : decl) if (!bound.contains(v)) declaredAt.putIfAbsent(v, i);
        }
        Map<Expr, Set<String>> candidatesOf = new IdentityHashMap<>();
        for (int i = 0; i < body.size(); i++) {
            Set<String> candidates = new HashSet<>(bound);
            for (Expr e : body) Terms.exprVars(e, false, candidates);
            final int idx = i;
            candidates.removeIf(v -> declaredAt.containsKey(v) && declaredAt.get(v) >= idx);
            candidatesOf.put(body.get(i), candidates);
        }
        Set<String> b = new HashSet<>(bound);
        List<Expr> remaining = new ArrayList<>(body);
        List<Expr> out = new ArrayList<>();
        while (!remaining.isEmpty()) {
            boolean progressed = false;
            for (int i = 0; i < remaining.size(); i++) {
                Expr e = remaining.get(i);
                Set<String> outputs = new HashSet<>();
                if (ready(e, b, candidatesOf.get(e), outputs)) {
                    out.add(e);
                    remaining.remove(i);
                    b.addAll(outputs);
                    progressed = true;
                    break;
                }
            }
            if (!progressed) {
                Expr stuck = remaining.get(0);
                Set<String> needs = new LinkedHashSet<>();
                for (Expr e : remaining) {
                    Set<String> vs = new LinkedHashSet<>();
                    Terms.exprVars(e, false, vs);
                    for (String v : vs) if (!b.contains(v) && !v.equals("input") && !v.equals("data")) needs.add(v);
                }
                String name = needs.isEmpty() ? "?" : display(needs.iterator().next());
                throw RegoCompileException.at(stuck.pos(), "rego_unsafe_var_error: var " + name + " is unsafe");
            }
        }
        return out;
    }

    private static String display(String v) {
        return v.startsWith("$") ? "_" : v;
    }

    /** Call arity (without output) of a function or builtin, or -1 when unknown. */
    public int arity(String name) {
        if (name.startsWith("data.")) {
            List<Rule> g = program.group(List.of(name.substring(5).split("\\.")));
            return g == null ? -1 : g.get(0).args().size();
        }
        return BuiltinCatalog.standard().arity(name);
    }

    public boolean isRelation(String name) {
        return BuiltinCatalog.standard().lookup(name).map(s -> s.kind() == BuiltinSpec.Kind.RELATION).orElse(false);
    }

    private boolean ready(Expr e, Set<String> bound, Set<String> candidates, Set<String> outputs) {
        Set<String> needs = new HashSet<>();
        Set<String> gens = new HashSet<>();
        Set<String> pattern = new HashSet<>();
        for (Expr.With w : e.withs()) {
            // `with f as count`: a function name, not a variable
            if (w.value() instanceof Term.Var v && !bound.contains(v.name()) && arity(v.name()) >= 0) continue;
            valueVars(w.value(), bound, candidates, needs, gens);
        }
        Expr.Node n = e.node();
        boolean unifiable = true;
        if (n instanceof Expr.TermNode t) {
            if (t.term() instanceof Term.Call c && arity(c.name()) >= 0 && c.args().size() == arity(c.name()) + 1) {
                for (int i = 0; i < c.args().size() - 1; i++) valueVars(c.args().get(i), bound, candidates, needs, gens);
                patternVars(c.args().get(c.args().size() - 1), bound, candidates, needs, gens, pattern);
            } else {
                valueVars(t.term(), bound, candidates, needs, gens);
            }
        } else if (n instanceof Expr.Unify u) {
            patternVars(u.left(), bound, candidates, needs, gens, pattern);
            patternVars(u.right(), bound, candidates, needs, gens, pattern);
            unifiable = unifiable(u.left(), u.right(), bound);
        } else if (n instanceof Expr.Assign a) {
            Set<String> b2 = new HashSet<>(bound);
            b2.removeAll(Terms.vars(a.left(), false));
            patternVars(a.left(), b2, candidates, needs, gens, pattern);
            patternVars(a.right(), bound, candidates, needs, gens, pattern);
            unifiable = unifiable(a.left(), a.right(), b2);
        } else if (n instanceof Expr.SomeIn s) {
            valueVars(s.domain(), bound, candidates, needs, gens);
            if (s.key() != null) pattern.addAll(Terms.vars(s.key(), false));
            pattern.addAll(Terms.vars(s.value(), false));
        } else if (n instanceof Expr.Every ev) {
            valueVars(ev.domain(), bound, candidates, needs, gens);
            Set<String> inner = new HashSet<>();
            Terms.bodyVars(ev.body(), inner);
            inner.remove(ev.value().name());
            if (ev.key() != null) inner.remove(ev.key().name());
            for (String v : inner) {
                if (candidates.contains(v) && !bound.contains(v) && !v.equals("input") && !v.equals("data")) needs.add(v);
            }
        }
        needs.removeAll(gens);
        if (!bound.containsAll(needs)) return false;
        if (e.negated()) {
            for (String v : pattern) if (!bound.contains(v) && !v.startsWith("$")) return false;
            return unifiable;
        }
        if (!unifiable) return false;
        outputs.addAll(gens);
        outputs.addAll(pattern);
        return true;
    }

    /** Whether every variable {@code t} reads is bound (variables enumerated by its references may be unbound). */
    public boolean plannable(Term t, Set<String> bound) {
        Set<String> needs = new HashSet<>();
        Set<String> gens = new HashSet<>();
        valueVars(t, bound, bound, needs, gens);
        needs.removeAll(gens);
        return bound.containsAll(needs);
    }

    /** Whether {@code a = b} can be planned: one side is fully known, or both are same-shaped composites. */
    private boolean unifiable(Term a, Term b, Set<String> bound) {
        if (!hasUnboundPattern(a, bound) || !hasUnboundPattern(b, bound)) return true;
        if (a instanceof Term.ArrayTerm x && b instanceof Term.ArrayTerm y && x.items().size() == y.items().size()) {
            for (int i = 0; i < x.items().size(); i++) {
                if (!unifiable(x.items().get(i), y.items().get(i), bound)) return false;
            }
            return true;
        }
        if (a instanceof Term.ObjectTerm x && b instanceof Term.ObjectTerm y && x.keys().size() == y.keys().size()) {
            for (int i = 0; i < x.keys().size(); i++) {
                int j = y.keys().indexOf(x.keys().get(i));
                if (j < 0) return true; // shapes differ: planned as a plain failure
                if (!unifiable(x.values().get(i), y.values().get(j), bound)) return false;
            }
            return true;
        }
        return false;
    }

    public static boolean hasUnboundPattern(Term t, Set<String> bound) {
        if (t instanceof Term.Var v) return !bound.contains(v.name()) && !v.name().equals("input") && !v.name().equals("data");
        if (t instanceof Term.ArrayTerm a) return a.items().stream().anyMatch(x -> hasUnboundPattern(x, bound));
        if (t instanceof Term.ObjectTerm o) return o.values().stream().anyMatch(x -> hasUnboundPattern(x, bound));
        return false;
    }

    private void patternVars(Term t, Set<String> bound, Set<String> cand, Set<String> needs, Set<String> gens,
                             Set<String> pattern) {
        if (t instanceof Term.Var v) {
            if (!bound.contains(v.name()) && !v.name().equals("input") && !v.name().equals("data")) pattern.add(v.name());
        } else if (t instanceof Term.ArrayTerm a) {
            for (Term x : a.items()) patternVars(x, bound, cand, needs, gens, pattern);
        } else if (t instanceof Term.ObjectTerm o) {
            for (Term k : o.keys()) valueVars(k, bound, cand, needs, gens);
            for (Term x : o.values()) patternVars(x, bound, cand, needs, gens, pattern);
        } else {
            valueVars(t, bound, cand, needs, gens);
        }
    }

    /** Variables {@code t} reads ({@code needs}) and those its references enumerate ({@code gens}). */
    private void valueVars(Term t, Set<String> bound, Set<String> cand, Set<String> needs, Set<String> gens) {
        if (t instanceof Term.Var v) {
            if (!v.name().equals("input") && !v.name().equals("data") && !bound.contains(v.name())
                && !gens.contains(v.name())) {
                needs.add(v.name());
            }
        } else if (t instanceof Term.Ref r) {
            valueVars(r.head(), bound, cand, needs, gens);
            for (Term seg : r.path()) {
                if (seg instanceof Term.Var || seg instanceof Term.ArrayTerm || seg instanceof Term.ObjectTerm) {
                    for (String v : Terms.vars(seg, false)) if (!bound.contains(v)) gens.add(v);
                } else {
                    valueVars(seg, bound, cand, needs, gens);
                }
            }
        } else if (t instanceof Term.Call c) {
            for (Term a : c.args()) valueVars(a, bound, cand, needs, gens);
        } else if (t instanceof Term.ArrayTerm a) {
            for (Term x : a.items()) valueVars(x, bound, cand, needs, gens);
        } else if (t instanceof Term.SetTerm s) {
            for (Term x : s.items()) valueVars(x, bound, cand, needs, gens);
        } else if (t instanceof Term.ObjectTerm o) {
            for (Term x : o.keys()) valueVars(x, bound, cand, needs, gens);
            for (Term x : o.values()) valueVars(x, bound, cand, needs, gens);
        } else if (t instanceof Term.ArrayCompr || t instanceof Term.SetCompr || t instanceof Term.ObjectCompr) {
            Set<String> inner = Terms.vars(t, true);
            Set<String> declared = new HashSet<>();
            declaredIn(t, declared);
            for (String v : inner) {
                if (cand.contains(v) && !declared.contains(v) && !bound.contains(v) && !gens.contains(v)
                    && !v.equals("input") && !v.equals("data")) {
                    needs.add(v);
                }
            }
        }
    }

    private static void declaredIn(Term t, Set<String> out) {
        List<Expr> body = t instanceof Term.ArrayCompr a ? a.body()
            : t instanceof Term.SetCompr s ? s.body() : ((Term.ObjectCompr) t).body();
        for (Expr e : body) {
            if (e.node() instanceof Expr.Some s) for (Term.Var v : s.vars()) out.add(v.name());
            if (e.node() instanceof Expr.Assign a) out.addAll(Terms.vars(a.left(), false));
            if (e.node() instanceof Expr.SomeIn s) {
                if (s.key() != null) out.addAll(Terms.vars(s.key(), false));
                out.addAll(Terms.vars(s.value(), false));
            }
        }
    }
}
