package dev.lanyard.policies.plan;

import dev.lanyard.policies.ir.Block;
import dev.lanyard.policies.ir.Loc;
import dev.lanyard.policies.ir.Operand;
import dev.lanyard.policies.ir.Policy;
import dev.lanyard.policies.ir.Stmt;
import dev.lanyard.policies.rego.Compiler;
import dev.lanyard.policies.rego.Expr;
import dev.lanyard.policies.rego.Pos;
import dev.lanyard.policies.rego.Program;
import dev.lanyard.policies.rego.RegoCompileException;
import dev.lanyard.policies.rego.Rule;
import dev.lanyard.policies.rego.Safety;
import dev.lanyard.policies.rego.Source;
import dev.lanyard.policies.rego.Term;
import dev.lanyard.policies.rego.Terms;
import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Plans compiled Rego into OPA's IR, in the continuation style of OPA's planner: planning an expression takes the
 * rest of the query as a callback and runs it at the point where the expression has produced a binding, so
 * iteration nests the rest of the query inside scans and failure leaves the innermost block.
 *
 * <p>Each rule group becomes a function {@code g0.data.<path>} with params (input, data), planned once on first use.
 * Anything that cannot be lowered exactly is a {@link RegoCompileException} naming the construct.
 */
public final class Planner {
    /** Name of the plan produced by {@link #planQuery}. */
    public static final String QUERY_PLAN = "query";

    private static final Operand INPUT = Operand.local(0);
    private static final Operand DATA = Operand.local(1);

    private final Program program;
    private final Safety safety;
    private final RuleTrie root;
    private final List<String> strings = new ArrayList<>();
    private final Map<String, Integer> stringIndex = new HashMap<>();
    private final List<String> files = new ArrayList<>();
    private final Map<String, Integer> fileIndex = new HashMap<>();
    private final Set<String> builtins = new LinkedHashSet<>();
    private final Map<FuncKey, String> funcNames = new HashMap<>();
    private final Deque<FuncKey> pending = new ArrayDeque<>();
    /**
     * Mock sets of {@code with data.<virtual doc> as <constant>}, by generation: generation 0 has no mocks, every
     * other set of mocks gets its own copies of the rule functions ({@code g1.data…}), planned with the mocks.
     */
    private final List<Map<List<String>, Term>> generations = new ArrayList<>(List.of(Map.of()));
    private Map<List<String>, Term> mocks = Map.of();
    /**
     * Mock marker for a virtual document replaced by a non-constant value: the value is written into {@code data}
     * at run time (a WithStmt) and references to the path read the base document instead of calling the rules.
     */
    private static final Term FROM_BASE = new Term.Var("$with-base", Pos.NONE);
    /** Mock keys for functions and builtins are [FN_MOCK, name]; a replacement function is a Call named REPLACE_WITH + name. */
    private static final String FN_MOCK = "$fn";
    private static final String REPLACE_WITH = "$replace:";
    /** Base-document key under which values replacing functions travel at run time: data[MOCK_DATA_KEY][name]. */
    private static final String MOCK_DATA_KEY = "$lanyard-with";

    /** A rule group planned under one generation of mocks. */
    private record FuncKey(int generation, List<String> path) {}
    private final Map<String, Policy.Func> funcs = new LinkedHashMap<>();

    /** Per-function planning state. */
    private int nextLocal;
    private List<Stmt> cur;
    private Map<String, Integer> vars;
    private Loc loc = Loc.NONE;

    private Planner(Program program) {
        this.program = program;
        this.safety = new Safety(program);
        this.root = RuleTrie.build(program);
    }

    /** Plans entrypoints given as slash paths ({@code lanyard/token/decision}); each result is {"result": value}. */
    public static Policy plan(List<Source> modules, List<String> entrypoints) {
        return plan(Compiler.compile(modules), entrypoints);
    }

    public static Policy plan(Program program, List<String> entrypoints) {
        Planner p = new Planner(program);
        List<Policy.Plan> plans = new ArrayList<>();
        for (String ep : entrypoints) plans.add(p.planEntrypoint(ep));
        return p.finish(plans);
    }

    /**
     * Plans an arbitrary query as one plan named {@link #QUERY_PLAN}: one result object per solution, mapping each
     * query variable to its value.
     */
    public static Policy planQuery(List<Source> modules, Source query) {
        Program program = Compiler.compile(modules);
        List<Expr> body = Compiler.compileQuery(program, query);
        Planner p = new Planner(program);
        Policy.Plan plan = p.planQueryBody(body);
        return p.finish(List.of(plan));
    }

    private Policy finish(List<Policy.Plan> plans) {
        while (!pending.isEmpty()) planRuleGroup(pending.poll());
        if (files.isEmpty()) files.add("");
        return new Policy(new Policy.Static(strings, new ArrayList<>(builtins), files), plans, new ArrayList<>(funcs.values()));
    }

    // ---- plans

    private void resetFunc(int firstFree) {
        nextLocal = firstFree;
        cur = new ArrayList<>();
        vars = new HashMap<>();
        loc = Loc.NONE;
    }

    private Policy.Plan planEntrypoint(String entrypoint) {
        resetFunc(2);
        List<Term> path = new ArrayList<>();
        for (String seg : entrypoint.split("/")) {
            if (seg.isEmpty()) throw new IllegalArgumentException("bad entrypoint: " + entrypoint);
            path.add(new Term.Str(seg, Pos.NONE));
        }
        Block b = block(() -> planDataRef(root, List.of(), path, 0, v -> {
            int obj = newLocal();
            emit(new Stmt.MakeObjectStmt(obj, loc));
            emit(new Stmt.ObjectInsertStmt(str("result"), v, obj, loc));
            emit(new Stmt.ResultSetAddStmt(obj, loc));
        }));
        return new Policy.Plan(entrypoint, List.of(b));
    }

    private Policy.Plan planQueryBody(List<Expr> query) {
        resetFunc(2);
        Set<String> names = new LinkedHashSet<>();
        for (Expr e : query) Terms.exprVars(e, false, names);
        names.removeIf(n -> n.startsWith("$") || n.equals("input") || n.equals("data"));
        List<Expr> ordered = safety.order(query, Set.of());
        Block b = block(() -> planBody(ordered, 0, () -> {
            int obj = newLocal();
            emit(new Stmt.MakeObjectStmt(obj, loc));
            for (String n : names) {
                Integer l = vars.get(n);
                if (l != null) emit(new Stmt.ObjectInsertStmt(str(n), Operand.local(l), obj, loc));
            }
            emit(new Stmt.ResultSetAddStmt(obj, loc));
        }));
        return new Policy.Plan(QUERY_PLAN, List.of(b));
    }

    // ---- rule groups

    private String funcName(List<String> path) {
        int gen = generations.indexOf(mocks);
        if (gen < 0) {
            generations.add(mocks);
            gen = generations.size() - 1;
        }
        FuncKey key = new FuncKey(gen, path);
        String name = funcNames.get(key);
        if (name == null) {
            name = "g" + gen + ".data." + String.join(".", path);
            funcNames.put(key, name);
            pending.add(key);
        }
        return name;
    }

    private void planRuleGroup(FuncKey key) {
        List<String> path = key.path();
        mocks = generations.get(key.generation());
        List<Rule> rules = program.group(path);
        Rule first = rules.get(0);
        int params = first.kind() == Rule.Kind.FUNCTION ? 2 + first.args().size() : 2;
        resetFunc(params);
        int result = newLocal();
        List<Block> blocks = new ArrayList<>();
        loc = loc(first.pos());
        switch (first.kind()) {
            case PARTIAL_SET -> {
                boolean nested = !first.prefixKeys().isEmpty();
                blocks.add(new Block(List.of(nested ? new Stmt.MakeObjectStmt(result, loc) : new Stmt.MakeSetStmt(result, loc))));
                for (Rule r : rules) {
                    blocks.add(ruleBlock(r, () -> planTerms(r.prefixKeys(), keys -> nestedContainer(result, keys, true,
                        set -> planTerm(r.key(), k -> emit(new Stmt.SetAddStmt(k, set, loc)))))));
                }
            }
            case PARTIAL_OBJECT -> {
                blocks.add(new Block(List.of(new Stmt.MakeObjectStmt(result, loc))));
                for (Rule r : rules) {
                    blocks.add(ruleBlock(r, () -> planTerms(r.prefixKeys(), keys -> nestedContainer(result, keys, false,
                        obj -> planTerm(r.key(), k -> planTerm(r.value(),
                            v -> emit(new Stmt.ObjectInsertOnceStmt(k, v, obj, loc))))))));
                }
            }
            case COMPLETE, FUNCTION -> {
                Rule dflt = null;
                for (Rule r : rules) {
                    if (r.isDefault()) {
                        dflt = r;
                        continue;
                    }
                    if (r.elseRule() == null) {
                        blocks.add(definitionBlock(r, result, false));
                    } else {
                        int chain = newLocal();
                        for (Rule link = r; link != null; link = link.elseRule()) {
                            blocks.add(definitionBlock(link, chain, link != r));
                        }
                        blocks.add(new Block(List.of(new Stmt.IsDefinedStmt(chain, loc),
                            new Stmt.AssignVarOnceStmt(Operand.local(chain), result, loc(r.pos())))));
                    }
                }
                if (dflt != null) {
                    Rule d = dflt;
                    loc = loc(d.pos());
                    blocks.add(block(() -> {
                        emit(new Stmt.IsUndefinedStmt(result, loc));
                        if (d.kind() == Rule.Kind.FUNCTION) {
                            bindArgs(d, 0, () -> planTerm(d.value(), v -> emit(new Stmt.AssignVarStmt(v, result, loc))));
                        } else {
                            planTerm(d.value(), v -> emit(new Stmt.AssignVarStmt(v, result, loc)));
                        }
                    }));
                }
            }
        }
        blocks.add(new Block(List.of(new Stmt.ReturnLocalStmt(result, loc))));
        List<Integer> paramList = new ArrayList<>();
        for (int i = 0; i < params; i++) paramList.add(i);
        List<String> irPath = new ArrayList<>();
        irPath.add("g" + key.generation());
        irPath.addAll(path);
        String name = funcNames.get(key);
        funcs.put(name, new Policy.Func(name, paramList, result, blocks, irPath));
    }

    /**
     * Finds or creates the nested container a general-ref rule head writes into: objects along {@code keys}, the
     * last one a set for {@code contains} rules. Children are inserted before they are filled; objects hold
     * references, so later additions are seen through the parent.
     */
    private void nestedContainer(int root, List<Operand> keys, boolean leafIsSet, java.util.function.IntConsumer k) {
        int cur = root;
        for (int i = 0; i < keys.size(); i++) {
            boolean leaf = i == keys.size() - 1;
            Operand key = keys.get(i);
            int parent = cur;
            int child = newLocal();
            emit(new Stmt.ResetLocalStmt(child, loc));
            emit(new Stmt.BlockStmt(List.of(new Block(List.of(new Stmt.DotStmt(Operand.local(parent), key, child, loc)))), loc));
            emit(new Stmt.BlockStmt(List.of(new Block(List.of(
                new Stmt.IsUndefinedStmt(child, loc),
                leaf && leafIsSet ? new Stmt.MakeSetStmt(child, loc) : new Stmt.MakeObjectStmt(child, loc),
                new Stmt.ObjectInsertStmt(key, Operand.local(child), parent, loc)))), loc));
            cur = child;
        }
        k.accept(cur);
    }

    /** One definition (or else link) of a complete rule or function, writing its value into {@code target}. */
    private Block definitionBlock(Rule r, int target, boolean guardUndefined) {
        return block(() -> {
            loc = loc(r.pos());
            if (guardUndefined) emit(new Stmt.IsUndefinedStmt(target, loc));
            Runnable body = () -> planBodyChecked(r.body(),
                () -> planTerm(r.value(), v -> emit(new Stmt.AssignVarOnceStmt(v, target, loc(r.pos())))));
            if (r.kind() == Rule.Kind.FUNCTION) bindArgs(r, 0, body);
            else body.run();
        });
    }

    private Block ruleBlock(Rule r, Runnable head) {
        return block(() -> {
            loc = loc(r.pos());
            planBodyChecked(r.body(), head);
        });
    }

    private void bindArgs(Rule r, int i, Runnable k) {
        if (i == r.args().size()) {
            k.run();
            return;
        }
        planUnifyLocal(r.args().get(i), Operand.local(2 + i), () -> bindArgs(r, i + 1, k));
    }

    // ---- bodies and expressions

    private void planBodyChecked(List<Expr> body, Runnable k) {
        List<Expr> ordered = safety.order(body, new HashSet<>(vars.keySet()));
        planBody(ordered, 0, k);
    }

    private void planBody(List<Expr> body, int i, Runnable k) {
        if (i == body.size()) {
            k.run();
            return;
        }
        Expr e = body.get(i);
        Loc saved = loc;
        loc = loc(e.pos());
        planExpr(e, () -> {
            Loc inner = loc;
            planBody(body, i + 1, k);
            loc = inner;
        });
        loc = saved;
    }

    private void planExpr(Expr e, Runnable k) {
        if (e.negated()) {
            planNot(new Expr(e.node(), false, e.withs(), e.pos()), k);
        } else if (!e.withs().isEmpty()) {
            planWith(e, k);
        } else {
            planNode(e.node(), e.pos(), k);
        }
    }

    private void planNot(Expr positive, Runnable k) {
        Block inner = block(() -> planExpr(positive, () -> {}));
        if (!containsScan(inner.stmts())) {
            emit(new Stmt.NotStmt(inner, loc));
            k.run();
            return;
        }
        // a scan inside the negated expression finishes normally whether or not an element matched, so record
        // success in a flag instead of relying on the block's outcome
        int flag = newLocal();
        emit(new Stmt.ResetLocalStmt(flag, loc));
        Block b = block(() -> planExpr(positive, () -> emit(new Stmt.AssignVarStmt(new Operand.Bool(true), flag, loc))));
        emit(new Stmt.BlockStmt(List.of(b), loc));
        emit(new Stmt.IsUndefinedStmt(flag, loc));
        k.run();
    }

    private static boolean containsScan(List<Stmt> stmts) {
        for (Stmt s : stmts) {
            if (s instanceof Stmt.ScanStmt) return true;
            if (s instanceof Stmt.BlockStmt b) {
                for (Block x : b.blocks()) if (containsScan(x.stmts())) return true;
            }
            if (s instanceof Stmt.NotStmt n && containsScan(n.block().stmts())) return true;
            if (s instanceof Stmt.WithStmt w && containsScan(w.block().stmts())) return true;
        }
        return false;
    }

    private void planNode(Expr.Node n, Pos pos, Runnable k) {
        if (n instanceof Expr.TermNode t) {
            if (t.term() instanceof Term.Call c) {
                planExprCall(c, k);
            } else {
                planTerm(t.term(), v -> {
                    emit(new Stmt.NotEqualStmt(v, new Operand.Bool(false), loc));
                    k.run();
                });
            }
        } else if (n instanceof Expr.Unify u) {
            planUnify(u.left(), u.right(), k);
        } else if (n instanceof Expr.Assign a) {
            hide(Terms.vars(a.left(), false), () -> planUnify(a.left(), a.right(), k));
        } else if (n instanceof Expr.Some s) {
            Set<String> names = new HashSet<>();
            for (Term.Var v : s.vars()) names.add(v.name());
            hide(names, k);
        } else if (n instanceof Expr.SomeIn s) {
            planTerm(s.domain(), d -> {
                int src = toLocal(d);
                int key = newLocal();
                int val = newLocal();
                Set<String> declared = new HashSet<>(Terms.vars(s.value(), false));
                if (s.key() != null) declared.addAll(Terms.vars(s.key(), false));
                Block body = block(() -> hide(declared, () -> {
                    Runnable value = () -> planUnifyLocal(s.value(), Operand.local(val), k);
                    if (s.key() == null) value.run();
                    else planUnifyLocal(s.key(), Operand.local(key), value);
                }));
                emit(new Stmt.ScanStmt(src, key, val, body, loc));
            });
        } else if (n instanceof Expr.Every ev) {
            planEvery(ev, k);
        } else {
            throw RegoCompileException.at(pos, "unsupported: expression");
        }
    }

    private void planEvery(Expr.Every ev, Runnable k) {
        planTerm(ev.domain(), d -> {
            int src = toLocal(d);
            // only collections can be quantified over: every over a scalar is undefined
            int iterable = newLocal();
            emit(new Stmt.ResetLocalStmt(iterable, loc));
            emit(new Stmt.BlockStmt(List.of(
                new Block(List.of(new Stmt.IsArrayStmt(Operand.local(src), loc), new Stmt.AssignVarStmt(new Operand.Bool(true), iterable, loc))),
                new Block(List.of(new Stmt.IsObjectStmt(Operand.local(src), loc), new Stmt.AssignVarStmt(new Operand.Bool(true), iterable, loc))),
                new Block(List.of(new Stmt.IsSetStmt(Operand.local(src), loc), new Stmt.AssignVarStmt(new Operand.Bool(true), iterable, loc)))), loc));
            emit(new Stmt.IsDefinedStmt(iterable, loc));
            int key = newLocal();
            int val = newLocal();
            int counterExample = newLocal();
            emit(new Stmt.ResetLocalStmt(counterExample, loc));
            Block body = block(() -> {
                int ok = newLocal();
                emit(new Stmt.ResetLocalStmt(ok, loc));
                Set<String> declared = new HashSet<>();
                declared.add(ev.value().name());
                if (ev.key() != null) declared.add(ev.key().name());
                Block attempt = block(() -> hide(declared, () -> {
                    vars.put(ev.value().name(), val);
                    if (ev.key() != null) vars.put(ev.key().name(), key);
                    planBodyChecked(ev.body(), () -> emit(new Stmt.AssignVarStmt(new Operand.Bool(true), ok, loc)));
                }));
                emit(new Stmt.BlockStmt(List.of(attempt), loc));
                emit(new Stmt.IsUndefinedStmt(ok, loc));
                emit(new Stmt.AssignVarStmt(new Operand.Bool(true), counterExample, loc));
            });
            emit(new Stmt.ScanStmt(src, key, val, body, loc));
            emit(new Stmt.IsUndefinedStmt(counterExample, loc));
            k.run();
        });
    }

    /**
     * {@code expr with …}: the expression runs inside WithStmts; its solutions (the variables it binds) are
     * collected there and replayed after the WithStmts, so the rest of the query sees the original documents and
     * memoised results computed under the replacement never leak out.
     */
    private void planWith(Expr e, Runnable k) {
        List<Expr.With> ws = new ArrayList<>();
        List<Integer> targets = new ArrayList<>();
        List<List<Integer>> paths = new ArrayList<>();
        Map<List<String>, Term> innerMocks = new HashMap<>(mocks);
        for (Expr.With w : e.withs()) {
            Term t = w.target();
            Term head = t instanceof Term.Ref r ? r.head() : t;
            List<Term> segs = t instanceof Term.Ref r ? r.path() : List.of();
            List<String> names = new ArrayList<>();
            for (Term s : segs) {
                if (!(s instanceof Term.Str str)) throw RegoCompileException.at(w.pos(), "unsupported: with target with non-string path");
                names.add(str.value());
            }
            if (!(head instanceof Term.Var v)) throw RegoCompileException.at(w.pos(), "unsupported: with target");
            String fn = v.name().equals("input") ? null
                : v.name().equals("data") ? (program.isFunction(names) ? "data." + String.join(".", names) : null)
                : v.name() + (names.isEmpty() ? "" : "." + String.join(".", names));
            if (fn != null) {
                Term mock = functionMock(fn, w);
                innerMocks.put(List.of(FN_MOCK, fn), mock);
                if (mock != FROM_BASE) continue;
                // a value computed here reaches every call of the replaced function through data
                names.clear();
                names.add(MOCK_DATA_KEY);
                names.add(fn);
                v = new Term.Var("data", v.pos());
            }
            if (v.name().equals("data") && overlapsVirtual(names)) {
                // replacing a virtual document is done at plan time: the expression calls copies of the rules
                // planned under a new generation that see the constant instead of the rule
                if (belowRule(names)) {
                    throw RegoCompileException.at(w.pos(), "unsupported: with on virtual document data." + String.join(".", names)
                        + " below a rule");
                }
                innerMocks.keySet().removeIf(m -> m.size() >= names.size() && m.subList(0, names.size()).equals(names));
                if (Term.isGround(w.value())) {
                    innerMocks.put(List.copyOf(names), w.value());
                    continue;
                }
                innerMocks.put(List.copyOf(names), FROM_BASE);
            }
            ws.add(w);
            targets.add(v.name().equals("input") ? 0 : 1);
            List<Integer> idx = new ArrayList<>();
            for (String s : names) idx.add(stringIndex(s));
            paths.add(idx);
        }
        List<Term> values = new ArrayList<>();
        for (Expr.With w : ws) values.add(w.value());
        Expr plain = new Expr(e.node(), false, List.of(), e.pos());
        planTerms(values, ops -> {
            Set<String> before = new HashSet<>(vars.keySet());
            int acc = newLocal();
            emit(new Stmt.ResetLocalStmt(acc, loc));
            List<List<String>> outputs = new ArrayList<>();
            Map<List<String>, Term> outerMocks = mocks;
            mocks = Map.copyOf(innerMocks);
            Block inner = block(() -> withNest(targets, paths, ops, 0, () -> planExpr(plain, () -> {
                List<String> out = new ArrayList<>(new TreeSet<>(vars.keySet()));
                out.removeAll(before);
                if (outputs.isEmpty()) outputs.add(out);
                else if (!outputs.get(0).equals(out)) throw RegoCompileException.at(e.pos(), "unsupported: with expression binding different variables per solution");
                if (out.isEmpty()) {
                    emit(new Stmt.AssignVarStmt(new Operand.Bool(true), acc, loc));
                    return;
                }
                int tuple = newLocal();
                emit(new Stmt.MakeArrayStmt(out.size(), tuple, loc));
                for (String name : out) emit(new Stmt.ArrayAppendStmt(Operand.local(vars.get(name)), tuple, loc));
                emit(new Stmt.ArrayAppendStmt(Operand.local(tuple), acc, loc));
            })));
            mocks = outerMocks;
            // acc is created lazily: an array when the expression binds variables, a flag otherwise
            List<String> out = outputs.isEmpty() ? List.of() : outputs.get(0);
            if (!out.isEmpty()) emit(new Stmt.MakeArrayStmt(0, acc, loc));
            emit(new Stmt.BlockStmt(List.of(inner), loc));
            if (outputs.isEmpty()) {
                emit(new Stmt.IsDefinedStmt(acc, loc)); // never produced a solution: stays undefined
                return;
            }
            if (out.isEmpty()) {
                emit(new Stmt.IsDefinedStmt(acc, loc));
                k.run();
                return;
            }
            int key = newLocal();
            int tuple = newLocal();
            Block replay = block(() -> bindTuple(out, tuple, 0, k));
            emit(new Stmt.ScanStmt(acc, key, tuple, replay, loc));
        });
    }

    /**
     * The replacement of a function or builtin: another function (same arity) or a value. Values must not depend
     * on variables, since they are planned wherever the replaced function is called.
     */
    private Term functionMock(String fn, Expr.With w) {
        int arity = safety.arity(fn);
        if (arity < 0) throw RegoCompileException.at(w.pos(), "unsupported: with target " + fn);
        Term value = w.value();
        String replacement = null;
        if (value instanceof Term.Ref r && r.head() instanceof Term.Var v && v.name().equals("data")) {
            List<String> path = Terms.groundPrefix(r, "data");
            if (path != null && path.size() == r.path().size() && program.isFunction(path)) replacement = "data." + String.join(".", path);
        } else if (value instanceof Term.Var v && safety.arity(v.name()) >= 0) {
            replacement = v.name();
        } else if (value instanceof Term.Ref r && r.head() instanceof Term.Var v && !v.name().equals("input")) {
            List<String> parts = new ArrayList<>();
            parts.add(v.name());
            for (Term seg : r.path()) if (seg instanceof Term.Str str) parts.add(str.value());
            String name = String.join(".", parts);
            if (parts.size() == r.path().size() + 1 && safety.arity(name) >= 0) replacement = name;
        }
        if (replacement != null) {
            if (safety.arity(replacement) != arity || safety.isRelation(replacement) || safety.isRelation(fn)) {
                throw RegoCompileException.at(w.pos(), "unsupported: with " + fn + " as " + replacement + " (different arity)");
            }
            return new Term.Call(REPLACE_WITH + replacement, List.of(), w.pos());
        }
        Set<String> free = Terms.vars(value, true);
        free.removeIf(n -> n.equals("input") || n.equals("data"));
        return free.isEmpty() ? value : FROM_BASE;
    }

    private void bindTuple(List<String> names, int tuple, int i, Runnable k) {
        if (i == names.size()) {
            k.run();
            return;
        }
        int idx = newLocal();
        emit(new Stmt.MakeNumberIntStmt(i, idx, loc));
        int v = newLocal();
        emit(new Stmt.DotStmt(Operand.local(tuple), Operand.local(idx), v, loc));
        bindVar(names.get(i), v, () -> bindTuple(names, tuple, i + 1, k));
    }

    private void withNest(List<Integer> targets, List<List<Integer>> paths, List<Operand> values, int i, Runnable k) {
        if (i == targets.size()) {
            k.run();
            return;
        }
        Block b = block(() -> withNest(targets, paths, values, i + 1, k));
        emit(new Stmt.WithStmt(targets.get(i), paths.get(i), values.get(i), b, loc));
    }

    /** True if {@code path} lies strictly inside the value of a rule (data.pkg.rule.key). */
    private boolean belowRule(List<String> path) {
        RuleTrie node = root;
        for (String s : path) {
            if (node.hasRules()) return true;
            node = node.child(s);
            if (node == null) return false;
        }
        return false;
    }

    private boolean overlapsVirtual(List<String> path) {
        RuleTrie node = root;
        for (String s : path) {
            if (node.hasRules()) return !node.isFunction();
            node = node.child(s);
            if (node == null) return false;
        }
        return node.hasVirtualDocs();
    }

    private void planExprCall(Term.Call c, Runnable k) {
        int arity = safety.arity(c.name());
        List<Term> args = c.args();
        if (safety.isRelation(c.name())) {
            if (args.size() != arity + 1) throw RegoCompileException.at(c.pos(), "unsupported: " + c.name() + " without an output argument");
            planTerms(args.subList(0, arity), ops -> {
                int pairs = newLocal();
                emitCall(c.name(), ops, pairs);
                int key = newLocal();
                int val = newLocal();
                Block body = block(() -> planUnifyLocal(args.get(arity), Operand.local(val), k));
                emit(new Stmt.ScanStmt(pairs, key, val, body, loc));
            });
            return;
        }
        if (args.size() == arity + 1) {
            planTerms(args.subList(0, arity), ops -> {
                int r = newLocal();
                emitCall(c.name(), ops, r);
                planUnifyLocal(args.get(arity), Operand.local(r), k);
            });
            return;
        }
        if (c.name().equals("equal") || c.name().equals("neq")) {
            planTerms(args, ops -> {
                emit(c.name().equals("equal") ? new Stmt.EqualStmt(ops.get(0), ops.get(1), loc)
                    : new Stmt.NotEqualStmt(ops.get(0), ops.get(1), loc));
                k.run();
            });
            return;
        }
        planTerms(args, ops -> {
            int r = newLocal();
            emitCall(c.name(), ops, r);
            emit(new Stmt.NotEqualStmt(Operand.local(r), new Operand.Bool(false), loc));
            k.run();
        });
    }

    private void emitCall(String name, List<Operand> args, int result) {
        Term mock = mocks.get(List.of(FN_MOCK, name));
        if (mock != null) {
            // inside the replacement, the replaced function is the original again (OPA's scoping; no recursion)
            Map<List<String>, Term> outer = mocks;
            Map<List<String>, Term> inner = new HashMap<>(mocks);
            inner.remove(List.of(FN_MOCK, name));
            mocks = Map.copyOf(inner);
            if (mock instanceof Term.Call c && c.name().startsWith(REPLACE_WITH)) {
                emitCall(c.name().substring(REPLACE_WITH.length()), args, result);
            } else if (mock == FROM_BASE) {
                planBase(List.of(str(MOCK_DATA_KEY), str(name)), v -> emit(new Stmt.AssignVarStmt(v, result, loc)));
            } else {
                planTerm(mock, v -> emit(new Stmt.AssignVarStmt(v, result, loc)));
            }
            mocks = outer;
            return;
        }
        if (name.startsWith("data.")) {
            List<String> path = List.of(name.substring(5).split("\\."));
            List<Operand> all = new ArrayList<>();
            all.add(INPUT);
            all.add(DATA);
            all.addAll(args);
            emit(new Stmt.CallStmt(funcName(path), all, result, loc));
        } else {
            builtins.add(name);
            emit(new Stmt.CallStmt(name, args, result, loc));
        }
    }

    // ---- unification

    private boolean unbound(Term t) {
        return Safety.hasUnboundPattern(t, vars.keySet());
    }

    private void planUnify(Term a, Term b, Runnable k) {
        boolean ua = unbound(a);
        boolean ub = unbound(b);
        if (!ua && !ub) {
            planTerm(a, x -> planTerm(b, y -> {
                emit(new Stmt.EqualStmt(x, y, loc));
                k.run();
            }));
        } else if (ua && !ub) {
            planTerm(b, v -> planUnifyLocal(a, v, k));
        } else if (!ua) {
            planTerm(a, v -> planUnifyLocal(b, v, k));
        } else if (a instanceof Term.ArrayTerm x && b instanceof Term.ArrayTerm y) {
            if (x.items().size() != y.items().size()) {
                fail();
                return;
            }
            planUnifyPairs(new ArrayList<>(x.items()), new ArrayList<>(y.items()), k);
        } else if (a instanceof Term.ObjectTerm x && b instanceof Term.ObjectTerm y) {
            List<Term> la = new ArrayList<>();
            List<Term> lb = new ArrayList<>();
            if (x.keys().size() != y.keys().size()) {
                fail();
                return;
            }
            for (int i = 0; i < x.keys().size(); i++) {
                int j = y.keys().indexOf(x.keys().get(i));
                if (j < 0 || !Term.isGround(x.keys().get(i))) {
                    if (!Term.isGround(x.keys().get(i))) throw RegoCompileException.at(a.pos(), "unsupported: object pattern with non-constant keys");
                    fail();
                    return;
                }
                la.add(x.values().get(i));
                lb.add(y.values().get(j));
            }
            planUnifyPairs(la, lb, k);
        } else if ((a instanceof Term.ArrayTerm || a instanceof Term.ObjectTerm || a instanceof Term.Var)
            && (b instanceof Term.ArrayTerm || b instanceof Term.ObjectTerm || b instanceof Term.Var)) {
            fail();
        } else {
            throw RegoCompileException.at(a.pos(), "rego_unsafe_var_error: cannot unify two unbound terms");
        }
    }

    /** Unifies pairs, each time picking one whose sides are not both unbound patterns. */
    private void planUnifyPairs(List<Term> as, List<Term> bs, Runnable k) {
        if (as.isEmpty()) {
            k.run();
            return;
        }
        int pick = 0;
        for (int i = 0; i < as.size(); i++) {
            if (!unbound(as.get(i)) || !unbound(bs.get(i)) || (as.get(i) instanceof Term.ArrayTerm && bs.get(i) instanceof Term.ArrayTerm)) {
                pick = i;
                break;
            }
        }
        Term a = as.get(pick);
        Term b = bs.get(pick);
        List<Term> ra = new ArrayList<>(as);
        List<Term> rb = new ArrayList<>(bs);
        ra.remove(pick);
        rb.remove(pick);
        planUnify(a, b, () -> planUnifyPairs(ra, rb, k));
    }

    private void fail() {
        emit(new Stmt.EqualStmt(new Operand.Bool(true), new Operand.Bool(false), loc));
    }

    /** Unifies a pattern term with an already computed value. */
    private void planUnifyLocal(Term pattern, Operand value, Runnable k) {
        if (pattern instanceof Term.Var v && !v.name().equals("input") && !v.name().equals("data")) {
            Integer l = vars.get(v.name());
            if (l == null) {
                bindVar(v.name(), toLocal(value), k);
                return;
            }
            emit(new Stmt.EqualStmt(Operand.local(l), value, loc));
            k.run();
            return;
        }
        if (pattern instanceof Term.ArrayTerm a && unbound(a)) {
            int src = toLocal(value);
            emit(new Stmt.IsArrayStmt(Operand.local(src), loc));
            int len = newLocal();
            emit(new Stmt.LenStmt(Operand.local(src), len, loc));
            int want = newLocal();
            emit(new Stmt.MakeNumberIntStmt(a.items().size(), want, loc));
            emit(new Stmt.EqualStmt(Operand.local(len), Operand.local(want), loc));
            unifyElements(a.items(), src, 0, k);
            return;
        }
        if (pattern instanceof Term.ObjectTerm o && unbound(o)) {
            int src = toLocal(value);
            emit(new Stmt.IsObjectStmt(Operand.local(src), loc));
            int len = newLocal();
            emit(new Stmt.LenStmt(Operand.local(src), len, loc));
            int want = newLocal();
            emit(new Stmt.MakeNumberIntStmt(o.keys().size(), want, loc));
            emit(new Stmt.EqualStmt(Operand.local(len), Operand.local(want), loc));
            unifyMembers(o, src, 0, k);
            return;
        }
        if (pattern instanceof Term.SetTerm s && unbound(s)) {
            throw RegoCompileException.at(s.pos(), "unsupported: set pattern with unbound variables");
        }
        planTerm(pattern, p -> {
            emit(new Stmt.EqualStmt(p, value, loc));
            k.run();
        });
    }

    private void unifyElements(List<Term> items, int src, int i, Runnable k) {
        if (i == items.size()) {
            k.run();
            return;
        }
        int idx = newLocal();
        emit(new Stmt.MakeNumberIntStmt(i, idx, loc));
        int elem = newLocal();
        emit(new Stmt.DotStmt(Operand.local(src), Operand.local(idx), elem, loc));
        planUnifyLocal(items.get(i), Operand.local(elem), () -> unifyElements(items, src, i + 1, k));
    }

    private void unifyMembers(Term.ObjectTerm o, int src, int i, Runnable k) {
        if (i == o.keys().size()) {
            k.run();
            return;
        }
        planTerm(o.keys().get(i), key -> {
            int elem = newLocal();
            emit(new Stmt.DotStmt(Operand.local(src), key, elem, loc));
            planUnifyLocal(o.values().get(i), Operand.local(elem), () -> unifyMembers(o, src, i + 1, k));
        });
    }

    // ---- terms

    /**
     * Plans several terms, left to right except that a term reading a variable another term's reference enumerates
     * ({@code foo == input.foos[foo]}) waits until that variable is bound.
     */
    private void planTerms(List<Term> terms, Consumer<List<Operand>> k) {
        planTermsOrdered(terms, new Operand[terms.size()], new boolean[terms.size()], terms.size(), k);
    }

    private void planTermsOrdered(List<Term> terms, Operand[] ops, boolean[] done, int left, Consumer<List<Operand>> k) {
        if (left == 0) {
            k.accept(List.of(ops));
            return;
        }
        int pick = -1;
        for (int i = 0; i < terms.size() && pick < 0; i++) {
            if (!done[i] && safety.plannable(terms.get(i), vars.keySet())) pick = i;
        }
        if (pick < 0) {
            for (int i = 0; i < terms.size() && pick < 0; i++) if (!done[i]) pick = i;
        }
        int i = pick;
        planTerm(terms.get(i), op -> {
            ops[i] = op;
            done[i] = true;
            planTermsOrdered(terms, ops, done, left - 1, k);
            done[i] = false;
            ops[i] = null;
        });
    }

    private void planTerm(Term t, Consumer<Operand> k) {
        if (t instanceof Term.Var v) {
            if (v.name().equals("input")) {
                emit(new Stmt.IsDefinedStmt(0, loc));
                k.accept(INPUT);
                return;
            }
            if (v.name().equals("data")) {
                planDataRef(root, List.of(), List.of(), 0, k);
                return;
            }
            Integer l = vars.get(v.name());
            if (l == null) {
                throw RegoCompileException.at(v.pos(), "rego_unsafe_var_error: var " + (v.isWildcard() ? "_" : v.name()) + " is unsafe");
            }
            k.accept(Operand.local(l));
        } else if (t instanceof Term.Null) {
            int l = newLocal();
            emit(new Stmt.MakeNullStmt(l, loc));
            k.accept(Operand.local(l));
        } else if (t instanceof Term.Bool b) {
            k.accept(new Operand.Bool(b.value()));
        } else if (t instanceof Term.Num n) {
            k.accept(Operand.local(number(n.text())));
        } else if (t instanceof Term.Str s) {
            k.accept(str(s.value()));
        } else if (t instanceof Term.Ref r) {
            planRef(r, k);
        } else if (t instanceof Term.Call c) {
            if (safety.isRelation(c.name())) throw RegoCompileException.at(c.pos(), "unsupported: " + c.name() + " used as a value");
            if (c.args().size() != safety.arity(c.name())) {
                throw RegoCompileException.at(c.pos(), "rego_type_error: " + c.name() + ": too many arguments in a nested call");
            }
            planTerms(c.args(), ops -> {
                int r = newLocal();
                emitCall(c.name(), ops, r);
                k.accept(Operand.local(r));
            });
        } else if (t instanceof Term.ArrayTerm a) {
            planTerms(a.items(), ops -> {
                int arr = newLocal();
                emit(new Stmt.MakeArrayStmt(ops.size(), arr, loc));
                for (Operand op : ops) emit(new Stmt.ArrayAppendStmt(op, arr, loc));
                k.accept(Operand.local(arr));
            });
        } else if (t instanceof Term.SetTerm s) {
            planTerms(s.items(), ops -> {
                int set = newLocal();
                emit(new Stmt.MakeSetStmt(set, loc));
                for (Operand op : ops) emit(new Stmt.SetAddStmt(op, set, loc));
                k.accept(Operand.local(set));
            });
        } else if (t instanceof Term.ObjectTerm o) {
            List<Term> all = new ArrayList<>(o.keys());
            all.addAll(o.values());
            planTerms(all, ops -> {
                int obj = newLocal();
                emit(new Stmt.MakeObjectStmt(obj, loc));
                int n = o.keys().size();
                for (int i = 0; i < n; i++) emit(new Stmt.ObjectInsertStmt(ops.get(i), ops.get(n + i), obj, loc));
                k.accept(Operand.local(obj));
            });
        } else if (t instanceof Term.ArrayCompr c) {
            int arr = newLocal();
            emit(new Stmt.MakeArrayStmt(0, arr, loc));
            Block b = block(() -> planBodyChecked(c.body(), () -> planTerm(c.head(), h -> emit(new Stmt.ArrayAppendStmt(h, arr, loc)))));
            emit(new Stmt.BlockStmt(List.of(b), loc));
            k.accept(Operand.local(arr));
        } else if (t instanceof Term.SetCompr c) {
            int set = newLocal();
            emit(new Stmt.MakeSetStmt(set, loc));
            Block b = block(() -> planBodyChecked(c.body(), () -> planTerm(c.head(), h -> emit(new Stmt.SetAddStmt(h, set, loc)))));
            emit(new Stmt.BlockStmt(List.of(b), loc));
            k.accept(Operand.local(set));
        } else if (t instanceof Term.ObjectCompr c) {
            int obj = newLocal();
            emit(new Stmt.MakeObjectStmt(obj, loc));
            Block b = block(() -> planBodyChecked(c.body(), () -> planTerm(c.key(), key -> planTerm(c.value(),
                v -> emit(new Stmt.ObjectInsertOnceStmt(key, v, obj, loc))))));
            emit(new Stmt.BlockStmt(List.of(b), loc));
            k.accept(Operand.local(obj));
        } else {
            throw RegoCompileException.at(t.pos(), "unsupported: term");
        }
    }

    private int number(String text) {
        int l = newLocal();
        if (text.matches("-?[0-9]+")) {
            BigInteger v = new BigInteger(text);
            if (v.bitLength() < 63) {
                emit(new Stmt.MakeNumberIntStmt(v.longValueExact(), l, loc));
                return l;
            }
        }
        emit(new Stmt.MakeNumberRefStmt(stringIndex(text), l, loc));
        return l;
    }

    private void planRef(Term.Ref r, Consumer<Operand> k) {
        Term head = r.head();
        if (head instanceof Term.Var v && v.name().equals("data")) {
            planDataRef(root, List.of(), r.path(), 0, k);
        } else if (head instanceof Term.Var v && v.name().equals("input")) {
            emit(new Stmt.IsDefinedStmt(0, loc));
            planPath(INPUT, r.path(), 0, k);
        } else {
            planTerm(head, h -> planPath(h, r.path(), 0, k));
        }
    }

    /** Walks a reference below an already computed value: DotStmt for known keys, ScanStmt for unbound ones. */
    private void planPath(Operand src, List<Term> path, int i, Consumer<Operand> k) {
        if (i == path.size()) {
            k.accept(src);
            return;
        }
        Term seg = path.get(i);
        if (!unbound(seg)) {
            planTerm(seg, key -> {
                int t = newLocal();
                emit(new Stmt.DotStmt(src, key, t, loc));
                planPath(Operand.local(t), path, i + 1, k);
            });
            return;
        }
        int s = toLocal(src);
        int key = newLocal();
        int val = newLocal();
        Block body = block(() -> planUnifyLocal(seg, Operand.local(key), () -> planPath(Operand.local(val), path, i + 1, k)));
        emit(new Stmt.ScanStmt(s, key, val, body, loc));
    }

    /**
     * References into {@code data}, resolved against the rule tree at plan time. {@code base} is the path walked so
     * far, applied to the base document only when a position has no rules below it.
     */
    private void planDataRef(RuleTrie node, List<Operand> base, List<Term> path, int i, Consumer<Operand> k) {
        Term mock = node == null ? null : mocks.get(node.path);
        if (mock == FROM_BASE) {
            planDataRef(null, base, path, i, k);
            return;
        }
        if (mock != null) {
            planTerm(mock, v -> planPath(v, path, i, k));
            return;
        }
        if (node == null) {
            planBase(base, b -> planPath(b, path, i, k));
            return;
        }
        if (node.hasRules()) {
            if (node.isFunction()) {
                throw RegoCompileException.at(i < path.size() ? path.get(i).pos() : Pos.NONE,
                    "unsupported: reference to function data." + String.join(".", node.path) + " without a call");
            }
            int r = newLocal();
            emit(new Stmt.CallStmt(funcName(node.path), List.of(INPUT, DATA), r, loc));
            planPath(Operand.local(r), path, i, k);
            return;
        }
        if (i == path.size()) {
            planExtent(node, base, k);
            return;
        }
        Term seg = path.get(i);
        if (seg instanceof Term.Str s) {
            planDataRef(node.child(s.value()), append(base, str(s.value())), path, i + 1, k);
            return;
        }
        List<String> names = new ArrayList<>();
        for (var e : node.children.entrySet()) if (!e.getValue().isFunction()) names.add(e.getKey());
        if (!unbound(seg)) {
            planTerm(seg, key -> {
                if (!(seg instanceof Term.Var) && !(seg instanceof Term.Ref) && !(seg instanceof Term.Call)) {
                    planDataRef(null, append(base, key), path, i + 1, k);
                    return;
                }
                for (String name : names) {
                    emit(new Stmt.BlockStmt(List.of(block(() -> {
                        emit(new Stmt.EqualStmt(key, str(name), loc));
                        planDataRef(node.child(name), append(base, str(name)), path, i + 1, k);
                    })), loc));
                }
                emit(new Stmt.BlockStmt(List.of(block(() -> {
                    for (String name : names) emit(new Stmt.NotEqualStmt(key, str(name), loc));
                    planDataRef(null, append(base, key), path, i + 1, k);
                })), loc));
            });
            return;
        }
        for (String name : names) {
            emit(new Stmt.BlockStmt(List.of(block(() -> planUnifyLocal(seg, str(name),
                () -> planDataRef(node.child(name), append(base, str(name)), path, i + 1, k)))), loc));
        }
        emit(new Stmt.BlockStmt(List.of(block(() -> planBase(base, b -> {
            int src = toLocal(b);
            int key = newLocal();
            int val = newLocal();
            Block body = block(() -> {
                for (String name : names) emit(new Stmt.NotEqualStmt(Operand.local(key), str(name), loc));
                planUnifyLocal(seg, Operand.local(key), () -> planPath(Operand.local(val), path, i + 1, k));
            });
            emit(new Stmt.ScanStmt(src, key, val, body, loc));
        }))), loc));
    }

    private void planBase(List<Operand> base, Consumer<Operand> k) {
        emit(new Stmt.IsDefinedStmt(1, loc));
        Operand cur = DATA;
        for (Operand key : base) {
            int t = newLocal();
            emit(new Stmt.DotStmt(cur, key, t, loc));
            cur = Operand.local(t);
        }
        k.accept(cur);
    }

    /** The value of a tree position above rules: an object of the child rules' values merged with base data. */
    private void planExtent(RuleTrie node, List<Operand> base, Consumer<Operand> k) {
        planExtent(node, base, true, k);
    }

    /**
     * @param mergeBase merge the base document at this position; nested positions leave that to the outermost
     *                  call, whose recursive merge covers them, so no base subtree is merged twice
     */
    private void planExtent(RuleTrie node, List<Operand> base, boolean mergeBase, Consumer<Operand> k) {
        int obj = newLocal();
        emit(new Stmt.MakeObjectStmt(obj, loc));
        for (var e : node.children.entrySet()) {
            RuleTrie child = e.getValue();
            if (child.isFunction()) continue;
            Operand name = str(e.getKey());
            Term mock = mocks.get(child.path);
            emit(new Stmt.BlockStmt(List.of(block(() -> {
                if (mock == FROM_BASE) {
                    planBase(append(base, name), v -> emit(new Stmt.ObjectInsertStmt(name, v, obj, loc)));
                } else if (mock != null) {
                    planTerm(mock, v -> emit(new Stmt.ObjectInsertStmt(name, v, obj, loc)));
                } else if (child.hasRules()) {
                    int r = newLocal();
                    emit(new Stmt.CallStmt(funcName(child.path), List.of(INPUT, DATA), r, loc));
                    emit(new Stmt.ObjectInsertStmt(name, Operand.local(r), obj, loc));
                } else {
                    planExtent(child, append(base, name), false, v -> emit(new Stmt.ObjectInsertStmt(name, v, obj, loc)));
                }
            })), loc));
        }
        if (!mergeBase) {
            k.accept(Operand.local(obj));
            return;
        }
        int result = newLocal();
        emit(new Stmt.AssignVarStmt(Operand.local(obj), result, loc));
        emit(new Stmt.BlockStmt(List.of(block(() -> planBase(base, b -> {
            emit(new Stmt.IsObjectStmt(b, loc));
            int merged = newLocal();
            emit(new Stmt.ObjectMergeStmt(b, Operand.local(obj), merged, loc));
            emit(new Stmt.AssignVarStmt(Operand.local(merged), result, loc));
        }))), loc));
        k.accept(Operand.local(result));
    }

    // ---- helpers

    private static List<Operand> append(List<Operand> xs, Operand x) {
        List<Operand> out = new ArrayList<>(xs);
        out.add(x);
        return out;
    }

    private void bindVar(String name, int local, Runnable k) {
        Integer prev = vars.put(name, local);
        k.run();
        if (prev == null) vars.remove(name);
        else vars.put(name, prev);
    }

    /** Makes {@code names} unbound (declared anew) for the duration of {@code k}. */
    private void hide(Set<String> names, Runnable k) {
        Map<String, Integer> saved = new HashMap<>();
        for (String n : names) {
            Integer prev = vars.remove(n);
            if (prev != null) saved.put(n, prev);
        }
        k.run();
        for (String n : names) vars.remove(n);
        vars.putAll(saved);
    }

    private int newLocal() {
        return nextLocal++;
    }

    private void emit(Stmt s) {
        cur.add(s);
    }

    private Block block(Runnable r) {
        List<Stmt> saved = cur;
        Map<String, Integer> savedVars = new HashMap<>(vars);
        cur = new ArrayList<>();
        r.run();
        Block b = new Block(cur);
        cur = saved;
        vars = savedVars;
        return b;
    }

    private int toLocal(Operand o) {
        if (o instanceof Operand.Local l) return l.index();
        int t = newLocal();
        emit(new Stmt.AssignVarStmt(o, t, loc));
        return t;
    }

    private Operand str(String s) {
        return new Operand.StringIndex(stringIndex(s));
    }

    private int stringIndex(String s) {
        return stringIndex.computeIfAbsent(s, x -> {
            strings.add(x);
            return strings.size() - 1;
        });
    }

    private Loc loc(Pos pos) {
        if (pos == null || pos.file().isEmpty()) return loc;
        int f = fileIndex.computeIfAbsent(pos.file(), x -> {
            files.add(x);
            return files.size() - 1;
        });
        return new Loc(f, pos.line(), pos.col());
    }
}
