package dev.lanyard.policies.rego;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Resolves names inside one module: rule names of the package (defined in any of its files, as in OPA, so a
 * {@code _test.rego} file sees the rules of the file it tests) and import aliases become {@code data…} /
 * {@code input…} refs, calls of package functions get their full {@code data.} name. Variables declared in a rule
 * ({@code some}, {@code :=}, arguments, {@code every}) shadow rule names.
 */
final class Resolver {
    private final List<String> pkg;
    private final Map<String, Term.Ref> imports = new HashMap<>();
    private final Set<String> ruleNames = new HashSet<>();
    private final Set<String> functionNames;
    private Set<String> locals = Set.of();

    Resolver(Module module, Set<List<String>> allFunctions, Set<String> packageRuleNames) {
        this.pkg = module.pkg();
        for (Module.Import imp : module.imports()) {
            if (imp.root().equals("rego") || imp.root().equals("future")) continue;
            imports.put(imp.name(), Terms.ref(imp.root(), imp.path(), imp.pos()));
        }
        ruleNames.addAll(packageRuleNames);
        this.functionNames = new HashSet<>();
        for (List<String> f : allFunctions) functionNames.add(String.join(".", f));
    }

    /** A resolver for a query: no package, no imports. */
    Resolver(Set<List<String>> allFunctions) {
        this.pkg = null;
        this.functionNames = new HashSet<>();
        for (List<String> f : allFunctions) functionNames.add(String.join(".", f));
    }

    Rule resolveRule(Rule r) {
        Set<String> declared = new HashSet<>();
        collectDeclared(r, declared);
        locals = declared;
        List<String> full = new ArrayList<>(pkg);
        full.addAll(r.path());
        return resolveRuleParts(r, full);
    }

    private Rule resolveRuleParts(Rule r, List<String> full) {
        List<Term> args = new ArrayList<>();
        for (Term a : r.args()) args.add(term(a));
        Term key = r.key() == null ? null : term(r.key());
        List<Term> prefixKeys = new ArrayList<>();
        for (Term k : r.prefixKeys()) prefixKeys.add(term(k));
        Term value = r.value() == null ? null : term(r.value());
        Rule elseRule = r.elseRule() == null ? null : resolveRuleParts(r.elseRule(), full);
        return new Rule(r.pos(), r.kind(), r.isDefault(), full, args, key, prefixKeys, value, body(r.body()), elseRule);
    }

    List<Expr> resolveQuery(List<Expr> body) {
        Set<String> declared = new HashSet<>();
        Terms.bodyVars(body, declared);
        locals = declared;
        return body(body);
    }

    private static void collectDeclared(Rule r, Set<String> out) {
        for (Term a : r.args()) Terms.collectVars(a, true, out);
        collectDeclaredBody(r.body(), out);
        if (r.elseRule() != null) collectDeclared(r.elseRule(), out);
    }

    private static void collectDeclaredBody(List<Expr> body, Set<String> out) {
        for (Expr e : body) {
            Expr.Node n = e.node();
            if (n instanceof Expr.Some s) {
                for (Term.Var v : s.vars()) out.add(v.name());
            } else if (n instanceof Expr.Assign a) {
                Terms.collectVars(a.left(), false, out);
            } else if (n instanceof Expr.SomeIn s) {
                if (s.key() != null) Terms.collectVars(s.key(), false, out);
                Terms.collectVars(s.value(), false, out);
            } else if (n instanceof Expr.Every ev) {
                if (ev.key() != null) out.add(ev.key().name());
                out.add(ev.value().name());
                collectDeclaredBody(ev.body(), out);
            }
            // comprehension bodies may declare too
            forEachClosureBody(e, b -> collectDeclaredBody(b, out));
        }
    }

    private static void forEachClosureBody(Expr e, java.util.function.Consumer<List<Expr>> f) {
        java.util.function.UnaryOperator<Term> visit = t -> {
            if (t instanceof Term.ArrayCompr c) f.accept(c.body());
            if (t instanceof Term.SetCompr c) f.accept(c.body());
            if (t instanceof Term.ObjectCompr c) f.accept(c.body());
            return t;
        };
        java.util.function.UnaryOperator<List<Expr>> bodyVisit = b -> {
            for (Expr x : b) forEachClosureBody(x, f);
            return b;
        };
        Expr.Node n = e.node();
        if (n instanceof Expr.TermNode t) Terms.map(t.term(), visit, bodyVisit);
        if (n instanceof Expr.Unify u) {
            Terms.map(u.left(), visit, bodyVisit);
            Terms.map(u.right(), visit, bodyVisit);
        }
        if (n instanceof Expr.Assign a) {
            Terms.map(a.left(), visit, bodyVisit);
            Terms.map(a.right(), visit, bodyVisit);
        }
    }

    private List<Expr> body(List<Expr> body) {
        List<Expr> out = new ArrayList<>();
        for (Expr e : body) out.add(expr(e));
        return out;
    }

    private Expr expr(Expr e) {
        Expr.Node n = e.node();
        Expr.Node r;
        if (n instanceof Expr.TermNode t && t.term() instanceof Term.Call c && c.name().equals("print")) {
            // opa build -t wasm erases print calls (print statements are disabled), so they are always true
            r = new Expr.TermNode(new Term.Bool(true, c.pos()));
        } else if (n instanceof Expr.TermNode t) {
            r = new Expr.TermNode(term(t.term()));
        } else if (n instanceof Expr.Unify u) {
            r = new Expr.Unify(term(u.left()), term(u.right()));
        } else if (n instanceof Expr.Assign a) {
            r = new Expr.Assign(term(a.left()), term(a.right()));
        } else if (n instanceof Expr.SomeIn s) {
            r = new Expr.SomeIn(s.key() == null ? null : term(s.key()), term(s.value()), term(s.domain()));
        } else if (n instanceof Expr.Every ev) {
            r = new Expr.Every(ev.key(), ev.value(), term(ev.domain()), body(ev.body()));
        } else {
            r = n;
        }
        List<Expr.With> withs = new ArrayList<>();
        for (Expr.With w : e.withs()) withs.add(new Expr.With(withTarget(w.target()), term(w.value()), w.pos()));
        return new Expr(r, e.negated(), withs, e.pos());
    }

    private Term withTarget(Term t) {
        // targets name documents or functions; resolve imports and package functions, never locals
        if (t instanceof Term.Var v && imports.containsKey(v.name())) return imports.get(v.name());
        if (t instanceof Term.Var v && pkg != null && ruleNames.contains(v.name())) {
            List<String> path = new ArrayList<>(pkg);
            path.add(v.name());
            return Terms.ref("data", path, v.pos());
        }
        if (t instanceof Term.Ref ref && pkg != null && ref.head() instanceof Term.Var v && ruleNames.contains(v.name())) {
            List<String> path = new ArrayList<>(pkg);
            path.add(v.name());
            Term.Ref base = Terms.ref("data", path, v.pos());
            List<Term> segs = new ArrayList<>(base.path());
            segs.addAll(ref.path());
            return new Term.Ref(base.head(), segs, ref.pos());
        }
        if (t instanceof Term.Ref ref && ref.head() instanceof Term.Var v && imports.containsKey(v.name())) {
            Term.Ref base = imports.get(v.name());
            List<Term> path = new ArrayList<>(base.path());
            path.addAll(ref.path());
            return new Term.Ref(base.head(), path, ref.pos());
        }
        return t;
    }

    private Term term(Term t) {
        return Terms.map(t, this::resolveOne, this::body);
    }

    private Term resolveOne(Term t) {
        if (t instanceof Term.Var v) {
            return resolveVar(v);
        }
        if (t instanceof Term.Ref ref && ref.head() instanceof Term.Ref inner) {
            List<Term> path = new ArrayList<>(inner.path());
            path.addAll(ref.path());
            return new Term.Ref(inner.head(), path, ref.pos());
        }
        if (t instanceof Term.Call c) {
            return new Term.Call(resolveFunctionName(c), c.args(), c.pos());
        }
        return t;
    }

    private Term resolveVar(Term.Var v) {
        String n = v.name();
        if (n.equals("input") || n.equals("data") || locals.contains(n) || v.isWildcard()) return v;
        Term.Ref imp = imports.get(n);
        if (imp != null) return new Term.Ref(imp.head(), imp.path(), v.pos());
        if (pkg != null && ruleNames.contains(n)) {
            List<String> path = new ArrayList<>(pkg);
            path.add(n);
            return Terms.ref("data", path, v.pos());
        }
        return v;
    }

    private String resolveFunctionName(Term.Call c) {
        String name = c.name();
        int dot = name.indexOf('.');
        String first = dot < 0 ? name : name.substring(0, dot);
        String rest = dot < 0 ? "" : name.substring(dot);
        if (pkg != null && !locals.contains(first)) {
            String local = "data." + String.join(".", pkg) + "." + name;
            if (functionNames.contains(local.substring(5)) && ruleNames.contains(first)) return local;
        }
        Term.Ref imp = imports.get(first);
        if (imp != null && imp.head() instanceof Term.Var root && root.name().equals("data")) {
            StringBuilder sb = new StringBuilder("data");
            for (Term s : imp.path()) sb.append('.').append(((Term.Str) s).value());
            return sb + rest;
        }
        return name;
    }
}
