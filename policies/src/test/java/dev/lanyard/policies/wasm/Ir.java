package dev.lanyard.policies.wasm;

import dev.lanyard.policies.ir.Block;
import dev.lanyard.policies.ir.Loc;
import dev.lanyard.policies.ir.Operand;
import dev.lanyard.policies.ir.Policy;
import dev.lanyard.policies.ir.Stmt;
import java.util.ArrayList;
import java.util.List;

/** Terse builders for hand-written IR in tests. */
final class Ir {
    static final Loc L = new Loc(0, 1, 1);
    private final List<String> strings = new ArrayList<>();
    private final List<String> builtins = new ArrayList<>();

    Operand.StringIndex str(String s) {
        int i = strings.indexOf(s);
        if (i < 0) {
            strings.add(s);
            i = strings.size() - 1;
        }
        return new Operand.StringIndex(i);
    }

    int strIndex(String s) {
        return str(s).index();
    }

    static Operand.Local l(int i) {
        return new Operand.Local(i);
    }

    static Operand.Bool bool(boolean b) {
        return new Operand.Bool(b);
    }

    static Block block(Stmt... s) {
        return new Block(List.of(s));
    }

    Stmt.CallStmt call(String f, int result, Operand... args) {
        if (!f.startsWith("g") && !builtins.contains(f)) {
            builtins.add(f);
        }
        return new Stmt.CallStmt(f, List.of(args), result, L);
    }

    /** The standard plan body: call the rule function and report {"result": value}. */
    Policy.Plan plan(String name, String func) {
        return new Policy.Plan(name, List.of(block(
                new Stmt.CallStmt(func, List.of(l(0), l(1)), 2, L),
                new Stmt.AssignVarStmt(l(2), 3, L),
                new Stmt.MakeObjectStmt(4, L),
                new Stmt.ObjectInsertStmt(str("result"), l(3), 4, L),
                new Stmt.ResultSetAddStmt(4, L))));
    }

    static Policy.Func rule(String name, int ret, Block... blocks) {
        List<Block> all = new ArrayList<>(List.of(blocks));
        all.add(block(new Stmt.ReturnLocalStmt(ret, L)));
        return new Policy.Func(name, List.of(0, 1), ret, all, List.of(name.split("\\.")));
    }

    Policy policy(List<Policy.Plan> plans, List<Policy.Func> funcs) {
        return new Policy(new Policy.Static(strings, builtins, List.of("test.rego")), plans, funcs);
    }
}
