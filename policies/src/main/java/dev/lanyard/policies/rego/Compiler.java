package dev.lanyard.policies.rego;

import dev.lanyard.policies.builtins.BuiltinCatalog;
import dev.lanyard.policies.builtins.BuiltinSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The front end: parses modules, resolves names and runs the static checks (rule-kind conflicts, unknown and
 * unsupported functions, arity, recursion). Variable safety is checked when bodies are ordered ({@link Safety}).
 */
public final class Compiler {
    private final List<CompileError> errors = new ArrayList<>();
    private final Map<List<String>, List<Rule>> groups = new LinkedHashMap<>();

    private Compiler() {}

    public static Program compile(List<Source> sources) {
        Compiler c = new Compiler();
        List<Module> modules = new ArrayList<>();
        for (Source s : sources) {
            try {
                modules.add(Parser.parseModule(s));
            } catch (RegoCompileException e) {
                c.errors.addAll(e.errors());
            }
        }
        c.fail();
        Set<List<String>> functions = new HashSet<>();
        for (Module m : modules) {
            for (Rule r : m.rules()) {
                if (r.kind() == Rule.Kind.FUNCTION) {
                    List<String> full = new ArrayList<>(m.pkg());
                    full.addAll(r.path());
                    functions.add(full);
                }
            }
        }
        Map<List<String>, Set<String>> rulesByPackage = new HashMap<>();
        for (Module m : modules) {
            for (Rule r : m.rules()) {
                rulesByPackage.computeIfAbsent(m.pkg(), k -> new HashSet<>()).add(r.path().get(0));
            }
        }
        for (Module m : modules) {
            Resolver res = new Resolver(m, functions, rulesByPackage.getOrDefault(m.pkg(), Set.of()));
            for (Rule r : m.rules()) {
                Rule resolved = res.resolveRule(r);
                c.groups.computeIfAbsent(resolved.path(), k -> new ArrayList<>()).add(resolved);
            }
        }
        c.checkKinds();
        c.fail();
        Program program = new Program(c.groups);
        for (List<Rule> g : c.groups.values()) {
            for (Rule r : g) c.checkRule(program, r);
        }
        c.fail();
        c.checkRecursion();
        c.fail();
        return program;
    }

    /** Parses and resolves a query against a compiled program, checking its calls. */
    public static List<Expr> compileQuery(Program program, Source query) {
        Compiler c = new Compiler();
        List<Expr> body = Parser.parseQuery(query);
        Set<List<String>> functions = new HashSet<>();
        for (var e : program.groups().entrySet()) {
            if (e.getValue().get(0).kind() == Rule.Kind.FUNCTION) functions.add(e.getKey());
        }
        List<Expr> resolved = new Resolver(functions).resolveQuery(body);
        c.checkBody(program, resolved);
        c.fail();
        return resolved;
    }

    private void fail() {
        if (!errors.isEmpty()) throw new RegoCompileException(errors);
    }

    private void checkKinds() {
        for (var e : groups.entrySet()) {
            List<Rule> rules = e.getValue();
            Rule first = rules.get(0);
            for (Rule r : rules) {
                if (r.kind() != first.kind()) {
                    errors.add(CompileError.at(r.pos(), "rego_type_error: conflicting rules data." + String.join(".", e.getKey())
                        + " found"));
                    break;
                }
                if (r.prefixKeys().size() != first.prefixKeys().size()) {
                    errors.add(CompileError.at(r.pos(), "rego_type_error: conflicting rules data." + String.join(".", e.getKey())
                        + " found (rule head references of different depth)"));
                    break;
                }
                if (r.kind() == Rule.Kind.FUNCTION && r.args().size() != first.args().size()) {
                    errors.add(CompileError.at(r.pos(), "rego_type_error: function data." + String.join(".", e.getKey())
                        + " has arity " + first.args().size() + ", got " + r.args().size() + " arguments"));
                    break;
                }
            }
            long defaults = rules.stream().filter(Rule::isDefault).count();
            if (defaults > 1) {
                errors.add(CompileError.at(rules.get(rules.size() - 1).pos(), "rego_type_error: multiple default rules data."
                    + String.join(".", e.getKey()) + " found"));
            }
            // a rule may not sit inside another rule's value
            for (List<String> other : groups.keySet()) {
                if (other.size() > e.getKey().size() && other.subList(0, e.getKey().size()).equals(e.getKey())) {
                    // OPA rejects rules inside a complete rule's value, but lets rules extend an object built by
                    // general-ref rules; merging those is not implemented
                    String prefix = first.kind() == Rule.Kind.COMPLETE || first.kind() == Rule.Kind.FUNCTION
                        ? "rego_type_error: " : "unsupported: ";
                    errors.add(CompileError.at(groups.get(other).get(0).pos(), prefix + "rule data."
                        + String.join(".", other) + " conflicts with rule data." + String.join(".", e.getKey())));
                }
            }
        }
    }

    private void checkRule(Program program, Rule r) {
        for (Term a : r.args()) checkTerm(program, a);
        if (r.key() != null) checkTerm(program, r.key());
        for (Term k : r.prefixKeys()) checkTerm(program, k);
        if (r.value() != null) checkTerm(program, r.value());
        checkBody(program, r.body());
        if (r.elseRule() != null) checkRule(program, r.elseRule());
    }

    private void checkBody(Program program, List<Expr> body) {
        for (Expr e : body) {
            Expr.Node n = e.node();
            if (n instanceof Expr.TermNode t) {
                checkTerm(program, t.term());
            } else if (n instanceof Expr.Unify u) {
                checkTerm(program, u.left());
                checkTerm(program, u.right());
            } else if (n instanceof Expr.Assign a) {
                checkTerm(program, a.left());
                checkTerm(program, a.right());
            } else if (n instanceof Expr.SomeIn s) {
                if (s.key() != null) checkTerm(program, s.key());
                checkTerm(program, s.value());
                checkTerm(program, s.domain());
            } else if (n instanceof Expr.Every ev) {
                checkTerm(program, ev.domain());
                checkBody(program, ev.body());
            }
            for (Expr.With w : e.withs()) checkTerm(program, w.value());
        }
    }

    private void checkTerm(Program program, Term t) {
        Terms.map(t, x -> {
            if (x instanceof Term.Call c) checkCall(program, c);
            return x;
        }, b -> {
            checkBody(program, b);
            return b;
        });
    }

    private void checkCall(Program program, Term.Call c) {
        String name = c.name();
        int n = c.args().size();
        if (name.startsWith("data.")) {
            List<String> path = List.of(name.substring(5).split("\\."));
            List<Rule> g = program.group(path);
            if (g == null || g.get(0).kind() != Rule.Kind.FUNCTION) {
                errors.add(CompileError.at(c.pos(), "rego_type_error: undefined function " + name));
                return;
            }
            int arity = g.get(0).args().size();
            if (n != arity && n != arity + 1) {
                errors.add(CompileError.at(c.pos(), "rego_type_error: " + name + ": arity mismatch: expected " + arity
                    + " arguments, got " + n));
            }
            return;
        }
        BuiltinSpec spec = BuiltinCatalog.standard().lookup(name).orElse(null);
        if (spec == null) {
            errors.add(CompileError.at(c.pos(), KnownBuiltins.isKnown(name) ? "unsupported: builtin " + name
                : "rego_type_error: undefined function " + name));
            return;
        }
        if (n != spec.arity() && n != spec.arity() + 1) {
            errors.add(CompileError.at(c.pos(), "rego_type_error: " + name + ": arity mismatch: expected " + spec.arity()
                + " arguments, got " + n));
        }
    }

    private void checkRecursion() {
        Map<List<String>, Set<List<String>>> deps = new HashMap<>();
        for (var e : groups.entrySet()) {
            Set<List<String>> out = new HashSet<>();
            for (Rule r : e.getValue()) collectRuleDeps(r, out);
            deps.put(e.getKey(), out);
        }
        Map<List<String>, Integer> state = new HashMap<>();
        for (List<String> p : groups.keySet()) {
            List<List<String>> stack = new ArrayList<>();
            if (dfs(p, deps, state, stack)) return;
        }
    }

    private boolean dfs(List<String> node, Map<List<String>, Set<List<String>>> deps, Map<List<String>, Integer> state,
                        List<List<String>> stack) {
        Integer s = state.get(node);
        if (s != null && s == 2) return false;
        if (s != null && s == 1) {
            int from = stack.indexOf(node);
            StringBuilder cycle = new StringBuilder();
            for (List<String> p : stack.subList(from, stack.size())) cycle.append("data.").append(String.join(".", p)).append(" -> ");
            cycle.append("data.").append(String.join(".", node));
            errors.add(CompileError.at(groups.get(node).get(0).pos(), "rego_recursion_error: rule data."
                + String.join(".", node) + " is recursive: " + cycle));
            return true;
        }
        state.put(node, 1);
        stack.add(node);
        for (List<String> d : deps.getOrDefault(node, Set.of())) {
            if (dfs(d, deps, state, stack)) return true;
        }
        stack.remove(stack.size() - 1);
        state.put(node, 2);
        return false;
    }

    private void collectRuleDeps(Rule r, Set<List<String>> out) {
        List<Term> terms = new ArrayList<>(r.args());
        if (r.key() != null) terms.add(r.key());
        terms.addAll(r.prefixKeys());
        if (r.value() != null) terms.add(r.value());
        for (Term t : terms) termDeps(t, out);
        bodyDeps(r.body(), out);
        if (r.elseRule() != null) collectRuleDeps(r.elseRule(), out);
    }

    private void bodyDeps(List<Expr> body, Set<List<String>> out) {
        for (Expr e : body) {
            Expr.Node n = e.node();
            if (n instanceof Expr.TermNode t) termDeps(t.term(), out);
            if (n instanceof Expr.Unify u) {
                termDeps(u.left(), out);
                termDeps(u.right(), out);
            }
            if (n instanceof Expr.Assign a) {
                termDeps(a.left(), out);
                termDeps(a.right(), out);
            }
            if (n instanceof Expr.SomeIn s) termDeps(s.domain(), out);
            if (n instanceof Expr.Every ev) {
                termDeps(ev.domain(), out);
                bodyDeps(ev.body(), out);
            }
            for (Expr.With w : e.withs()) termDeps(w.value(), out);
        }
    }

    private void termDeps(Term t, Set<List<String>> out) {
        Terms.map(t, x -> {
            if (x instanceof Term.Call c && c.name().startsWith("data.")) {
                out.add(List.of(c.name().substring(5).split("\\.")));
            }
            if (x instanceof Term.Ref ref) {
                List<String> prefix = Terms.groundPrefix(ref, "data");
                if (prefix != null) {
                    for (List<String> g : groups.keySet()) {
                        int k = Math.min(g.size(), prefix.size());
                        if (g.subList(0, k).equals(prefix.subList(0, k))) out.add(g);
                    }
                }
            }
            return x;
        }, b -> {
            bodyDeps(b, out);
            return b;
        });
    }
}
