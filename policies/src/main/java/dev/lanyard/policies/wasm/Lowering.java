package dev.lanyard.policies.wasm;

import dev.lanyard.policies.ir.Block;
import dev.lanyard.policies.ir.Loc;
import dev.lanyard.policies.ir.Operand;
import dev.lanyard.policies.ir.Policy;
import dev.lanyard.policies.ir.Stmt;
import dev.lanyard.policies.ir.Stmt.*;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Lowers IR functions and plans to WASM bodies (OPA's statement lowering, §4.5 of the notes): every IR local is an
 * i32 local holding a value pointer, 0 meaning undefined; every IR block is a WASM block and an undefined statement
 * branches to the end of the innermost one.
 */
final class Lowering {
    private final Runtime r;
    private final StaticData data;
    private final Helpers helpers;
    private final Memo memo;
    private final Policy.Static statics;
    private final Map<String, Integer> funcIndex;
    private final Map<String, Integer> funcArity;
    private final Map<String, Integer> hostIds;
    private int nowSlot = -1;

    Lowering(Runtime r, StaticData data, Helpers helpers, Memo memo, Policy.Static statics, Map<String, Integer> funcIndex,
            Map<String, Integer> funcArity, Map<String, Integer> hostIds) {
        this.r = r;
        this.data = data;
        this.helpers = helpers;
        this.memo = memo;
        this.statics = statics;
        this.funcIndex = funcIndex;
        this.funcArity = funcArity;
        this.hostIds = hostIds;
    }

    /** Names of builtins this backend lowers to inline WASM (everything else goes to the host). */
    static boolean isInline(String name) {
        return switch (name) {
            case "equal", "neq", "lt", "lte", "gt", "gte", "internal.member_2", "internal.member_3", "count",
                    "is_string", "is_number", "is_boolean", "is_array", "is_set", "is_object", "is_null",
                    "type_name", "and", "or", "minus", "startswith", "endswith", "object.get", "sort", "min",
                    "max" -> true;
            default -> false;
        };
    }

    /** Inline builtins whose helper hands some argument types to the host (which must then be declared). */
    static boolean hasHostFallback(String name) {
        return name.equals("count") || name.equals("minus") || name.equals("object.get");
    }

    /** Per-function state: IR local to WASM local mapping and temporaries. */
    private static final class Scope {
        final Map<Integer, Integer> locals = new HashMap<>();
        final int params;
        int next;
        final int resultSet;
        /** Memo slot address of a rule function, or -1. */
        final int memoKey;

        Scope(List<Integer> irParams, int extraParams, int memoKey) {
            for (int p : irParams) {
                locals.put(p, locals.size());
            }
            params = irParams.size() + extraParams;
            next = params;
            resultSet = extraParams > 0 ? irParams.size() : -1;
            this.memoKey = memoKey;
        }

        int local(int ir) {
            return locals.computeIfAbsent(ir, k -> next++);
        }

        int temp() {
            return next++;
        }

        int declaredLocals() {
            return next - params;
        }
    }

    /** Rule functions (input, data) are memoised per evaluation; user functions depend on their arguments. */
    byte[] func(Policy.Func f) {
        int slot = f.params().size() == 2 ? memo.slot() : -1;
        Scope s = new Scope(f.params(), 0, slot);
        Code c = new Code();
        if (slot >= 0) {
            memo.lookup(c, slot);
        }
        for (Block b : f.blocks()) {
            block(c, s, b);
        }
        c.i32Const(0);
        return c.body(s.declaredLocals());
    }

    /** A plan becomes {@code (input, data, resultSet) -> ()}. */
    byte[] plan(Policy.Plan p) {
        Scope s = new Scope(List.of(0, 1), 1, -1);
        Code c = new Code();
        for (Block b : p.blocks()) {
            block(c, s, b);
        }
        return c.body(s.declaredLocals());
    }

    private void block(Code c, Scope s, Block b) {
        c.block(true);
        stmts(c, s, b);
        c.end();
    }

    private void stmts(Code c, Scope s, Block b) {
        for (Stmt st : b.stmts()) {
            stmt(c, s, st);
        }
    }

    private void operand(Code c, Scope s, Operand o) {
        if (o instanceof Operand.Local l) {
            c.localGet(s.local(l.index()));
        } else if (o instanceof Operand.StringIndex si) {
            c.i32Const(data.stringValue(string(si.index())));
        } else if (o instanceof Operand.Bool bo) {
            c.i32Const(data.booleanValue(bo.value()));
        } else {
            throw new WasmCompileException("unknown operand " + o);
        }
    }

    /** input and data may be absent (address 0): using them then is undefined, never a read of address 0. */
    private void guard(Code c, Scope s, Operand o) {
        if (o instanceof Operand.Local l) {
            guard(c, s, l.index());
        }
    }

    private void guard(Code c, Scope s, int irLocal) {
        if (irLocal == 0 || irLocal == 1) {
            c.localGet(s.local(irLocal)).i32Eqz().brIfUndefined();
        }
    }

    private String string(int index) {
        if (index < 0 || index >= statics.strings().size()) {
            throw new WasmCompileException("string index out of range: " + index);
        }
        return statics.strings().get(index);
    }

    private void runtimeError(Code c, Loc loc, String message) {
        String file = loc.file() >= 0 && loc.file() < statics.files().size() ? statics.files().get(loc.file()) : "";
        c.i32Const(data.cstring(file)).i32Const(loc.row()).i32Const(loc.col()).i32Const(data.cstring(message));
        c.call(r.runtimeError);
    }

    private void stmt(Code c, Scope s, Stmt st) {
        if (st instanceof CallStmt x) {
            call(c, s, x);
        } else if (st instanceof DotStmt x) {
            guard(c, s, x.source());
            operand(c, s, x.source());
            operand(c, s, x.key());
            c.call(r.valueGet).localTee(s.local(x.target())).i32Eqz().brIfUndefined();
        } else if (st instanceof AssignVarStmt x) {
            operand(c, s, x.source());
            c.localSet(s.local(x.target()));
        } else if (st instanceof AssignVarOnceStmt x) {
            int t = s.local(x.target());
            c.block(false).block(false);
            c.localGet(t).i32Eqz().brIf(0);
            c.localGet(t);
            operand(c, s, x.source());
            c.call(r.compare).i32Eqz().brIf(1);
            runtimeError(c, x.loc(), "var assignment conflict");
            c.end();
            operand(c, s, x.source());
            c.localSet(t);
            c.end();
        } else if (st instanceof EqualStmt x) {
            guard(c, s, x.a());
            guard(c, s, x.b());
            operand(c, s, x.a());
            operand(c, s, x.b());
            c.call(r.compare).brIfUndefined();
        } else if (st instanceof NotEqualStmt x) {
            guard(c, s, x.a());
            guard(c, s, x.b());
            operand(c, s, x.a());
            operand(c, s, x.b());
            c.call(r.compare).i32Eqz().brIfUndefined();
        } else if (st instanceof BlockStmt x) {
            for (Block b : x.blocks()) {
                block(c, s, b);
            }
        } else if (st instanceof BreakStmt x) {
            c.br(c.irDepth(x.index()));
        } else if (st instanceof ScanStmt x) {
            scan(c, s, x);
        } else if (st instanceof NotStmt x) {
            int flag = s.temp();
            c.i32Const(1).localSet(flag);
            c.block(true);
            stmts(c, s, x.block());
            c.i32Const(0).localSet(flag);
            c.end();
            c.localGet(flag).i32Eqz().brIfUndefined();
        } else if (st instanceof IsDefinedStmt x) {
            c.localGet(s.local(x.source())).i32Eqz().brIfUndefined();
        } else if (st instanceof IsUndefinedStmt x) {
            c.localGet(s.local(x.source())).brIfUndefined();
        } else if (st instanceof IsArrayStmt x) {
            isType(c, s, x.source(), Runtime.TYPE_ARRAY);
        } else if (st instanceof IsObjectStmt x) {
            isType(c, s, x.source(), Runtime.TYPE_OBJECT);
        } else if (st instanceof IsSetStmt x) {
            isType(c, s, x.source(), Runtime.TYPE_SET);
        } else if (st instanceof LenStmt x) {
            guard(c, s, x.source());
            operand(c, s, x.source());
            c.call(r.length).i64ExtendI32U().call(r.numberInt).localSet(s.local(x.target()));
        } else if (st instanceof MakeObjectStmt x) {
            c.call(r.object).localSet(s.local(x.target()));
        } else if (st instanceof MakeArrayStmt x) {
            c.call(r.array).localSet(s.local(x.target()));
        } else if (st instanceof MakeSetStmt x) {
            c.call(r.set).localSet(s.local(x.target()));
        } else if (st instanceof MakeNullStmt x) {
            c.call(r.nul).localSet(s.local(x.target()));
        } else if (st instanceof MakeNumberIntStmt x) {
            c.i64Const(x.value()).call(r.numberInt).localSet(s.local(x.target()));
        } else if (st instanceof AssignIntStmt x) {
            c.i64Const(x.value()).call(r.numberInt).localSet(s.local(x.target()));
        } else if (st instanceof MakeNumberRefStmt x) {
            numberLiteral(c, s, x);
        } else if (st instanceof ArrayAppendStmt x) {
            c.localGet(s.local(x.array()));
            operand(c, s, x.value());
            c.call(r.arrayAppend);
        } else if (st instanceof ObjectInsertStmt x) {
            c.localGet(s.local(x.object()));
            operand(c, s, x.key());
            operand(c, s, x.value());
            c.call(r.objectInsert);
        } else if (st instanceof ObjectInsertOnceStmt x) {
            int obj = s.local(x.object());
            int got = s.temp();
            c.block(false).block(false);
            c.localGet(obj);
            operand(c, s, x.key());
            c.call(r.valueGet).localTee(got).i32Eqz().brIf(0);
            c.localGet(got);
            operand(c, s, x.value());
            c.call(r.compare).i32Eqz().brIf(1);
            runtimeError(c, x.loc(), "object insert conflict");
            c.end();
            c.localGet(obj);
            operand(c, s, x.key());
            operand(c, s, x.value());
            c.call(r.objectInsert);
            c.end();
        } else if (st instanceof ObjectMergeStmt x) {
            operand(c, s, x.a());
            operand(c, s, x.b());
            c.call(helpers.merge).localTee(s.local(x.target())).i32Eqz().brIfUndefined();
        } else if (st instanceof SetAddStmt x) {
            c.localGet(s.local(x.set()));
            operand(c, s, x.value());
            c.call(r.setAdd);
        } else if (st instanceof ResetLocalStmt x) {
            c.i32Const(0).localSet(s.local(x.target()));
        } else if (st instanceof ReturnLocalStmt x) {
            int v = s.local(x.source());
            if (s.memoKey >= 0) {
                memo.store(c, s.memoKey, v);
            }
            c.localGet(v).ret();
        } else if (st instanceof ResultSetAddStmt x) {
            if (s.resultSet < 0) {
                throw new WasmCompileException("ResultSetAddStmt outside a plan");
            }
            c.localGet(s.resultSet).localGet(s.local(x.value())).call(helpers.canonical).call(r.setAdd);
        } else if (st instanceof WithStmt x) {
            with(c, s, x);
        } else if (st instanceof NopStmt) {
            // nothing
        } else if (st instanceof CallDynamicStmt) {
            throw new WasmCompileException(at(st.loc()) + "CallDynamicStmt is not supported by this backend");
        } else {
            throw new WasmCompileException(at(st.loc()) + "unsupported statement " + st.getClass().getSimpleName());
        }
    }

    private String at(Loc loc) {
        String file = loc.file() >= 0 && loc.file() < statics.files().size() ? statics.files().get(loc.file()) : "?";
        return file + ":" + loc.row() + ":" + loc.col() + ": ";
    }

    /**
     * Number literals are canonicalised at compile time ({@code 3.50}, {@code 35e-1} and {@code 3.5} become the
     * same text) because the runtime hashes decimals by their representation: equal numbers must hash alike in
     * sets and object keys. Integers that fit are plain int values; others are parsed from their exact text.
     */
    private void numberLiteral(Code c, Scope s, MakeNumberRefStmt x) {
        String text = string(x.index());
        java.math.BigDecimal d;
        try {
            d = new java.math.BigDecimal(text);
        } catch (NumberFormatException e) {
            throw new WasmCompileException(at(x.loc()) + "bad number literal " + text);
        }
        java.math.BigDecimal canonical = d.signum() == 0 ? java.math.BigDecimal.ZERO : d.stripTrailingZeros();
        if (canonical.scale() <= 0 && canonical.precision() - canonical.scale() <= 18) {
            c.i64Const(canonical.longValueExact()).call(r.numberInt).localSet(s.local(x.target()));
            return;
        }
        // scientific form for large exponents (1e400, not a 401-digit string), without "e+" which the runtime misreads
        String norm = canonical.toString().replace("E+", "e").replace('E', 'e');
        c.i32Const(data.cstring(norm)).i32Const(StaticData.utf8Length(norm)).call(r.jsonParse);
        c.localTee(s.local(x.target())).i32Eqz().brIfUndefined();
    }

    private void isType(Code c, Scope s, Operand o, int type) {
        if (o instanceof Operand.Local l) {
            c.localGet(s.local(l.index())).i32Eqz().brIfUndefined();
        }
        operand(c, s, o);
        c.call(r.valueType).i32Const(type).i32Ne().brIfUndefined();
    }

    private void scan(Code c, Scope s, ScanStmt x) {
        int src = s.local(x.source());
        int key = s.local(x.key());
        int val = s.local(x.value());
        guard(c, s, x.source());
        c.i32Const(0).localSet(key);
        c.block(true).loop(true);
        c.localGet(src).localGet(key).call(r.iter).localTee(key).i32Eqz().brIf(1);
        c.localGet(src).localGet(key).call(r.valueGet).localSet(val);
        stmts(c, s, x.block());
        c.br(0);
        c.end().end();
    }

    private void with(Code c, Scope s, WithStmt x) {
        int target = s.local(x.local());
        int save = s.temp();
        int flag = s.temp();
        int tmp = s.temp();
        int epoch = s.temp();
        c.localGet(target).localSet(save);
        memo.enterWith(c, epoch);
        List<Integer> path = x.path();
        if (path.isEmpty()) {
            operand(c, s, x.value());
            c.localSet(target);
        } else {
            int[] level = new int[path.size()];
            level[0] = s.temp();
            c.localGet(target).localSet(level[0]);
            for (int i = 1; i < path.size(); i++) {
                level[i] = s.temp();
                c.localGet(level[i - 1]).i32Const(data.stringValue(string(path.get(i - 1))));
                c.call(helpers.objectChild).localSet(level[i]);
            }
            int nv = s.temp();
            operand(c, s, x.value());
            c.localSet(nv);
            for (int i = path.size() - 1; i >= 0; i--) {
                c.localGet(level[i]).call(helpers.copyObject).localTee(tmp);
                c.i32Const(data.stringValue(string(path.get(i)))).localGet(nv).call(r.objectInsert);
                c.localGet(tmp).localSet(nv);
            }
            c.localGet(nv).localSet(target);
        }
        c.i32Const(1).localSet(flag);
        c.block(true);
        stmts(c, s, x.block());
        c.i32Const(0).localSet(flag);
        c.end();
        c.localGet(save).localSet(target);
        memo.exitWith(c, epoch);
        c.localGet(flag).brIfUndefined();
    }

    private void call(Code c, Scope s, CallStmt x) {
        String f = x.func();
        List<Operand> args = x.args();
        int result = s.local(x.result());
        Integer target = funcIndex.get(f);
        if (target != null) {
            if (funcArity.get(f) != args.size()) {
                throw new WasmCompileException(at(x.loc()) + f + " takes " + funcArity.get(f) + " arguments, got "
                        + args.size());
            }
            for (Operand a : args) {
                operand(c, s, a);
            }
            c.call(target).localTee(result).i32Eqz().brIfUndefined();
            return;
        }
        for (Operand a : args) {
            guard(c, s, a);
        }
        if (isInline(f)) {
            inline(c, s, x, result);
            return;
        }
        Integer id = hostIds.get(f);
        if (id == null) {
            throw new WasmCompileException(at(x.loc()) + "unknown function or builtin " + f);
        }
        if (args.size() > 4) {
            throw new WasmCompileException(at(x.loc()) + f + ": host builtins take at most 4 arguments");
        }
        if (f.equals("time.now_ns")) {
            // one clock reading per evaluation, as in OPA
            if (nowSlot < 0) {
                nowSlot = memo.slot();
            }
            memo.cached(c, nowSlot, result, () -> c.i32Const(id).i32Const(0).call(r.builtinN[0]).localSet(result));
            c.localGet(result).i32Eqz().brIfUndefined();
            return;
        }
        c.i32Const(id).i32Const(0);
        for (Operand a : args) {
            operand(c, s, a);
        }
        c.call(r.builtinN[args.size()]).localTee(result).i32Eqz().brIfUndefined();
    }

    private void inline(Code c, Scope s, CallStmt x, int result) {
        List<Operand> a = x.args();
        String f = x.func();
        int expected = switch (f) {
            case "internal.member_3", "object.get" -> 3;
            case "count", "type_name", "sort", "min", "max" -> 1;
            default -> f.startsWith("is_") ? 1 : 2;
        };
        if (a.size() != expected) {
            throw new WasmCompileException(at(x.loc()) + f + " takes " + expected + " arguments, got " + a.size());
        }
        switch (f) {
            case "equal", "neq", "lt", "lte", "gt", "gte" -> {
                c.i32Const(data.trueValue).i32Const(data.falseValue);
                operand(c, s, a.get(0));
                operand(c, s, a.get(1));
                c.call(r.compare);
                switch (f) {
                    case "equal" -> c.i32Eqz();
                    case "neq" -> c.i32Const(0).i32Ne();
                    case "lt" -> c.i32Const(0).i32LtS();
                    case "lte" -> c.i32Const(0).i32LeS();
                    case "gt" -> c.i32Const(0).i32GtS();
                    default -> c.i32Const(0).i32GeS();
                }
                c.select().localSet(result);
            }
            case "internal.member_2" -> {
                operand(c, s, a.get(0));
                operand(c, s, a.get(1));
                c.call(helpers.member2).localSet(result);
            }
            case "internal.member_3" -> {
                operand(c, s, a.get(0));
                operand(c, s, a.get(1));
                operand(c, s, a.get(2));
                c.call(helpers.member3).localSet(result);
            }
            case "count" -> {
                operand(c, s, a.get(0));
                c.call(helpers.count).localTee(result).i32Eqz().brIfUndefined();
            }
            case "type_name" -> {
                operand(c, s, a.get(0));
                c.call(helpers.typeName).localTee(result).i32Eqz().brIfUndefined();
            }
            case "and", "or", "minus", "startswith", "endswith", "object.get", "sort", "min", "max" -> {
                for (Operand o : a) {
                    operand(c, s, o);
                }
                int helper = switch (f) {
                    case "and" -> helpers.and;
                    case "or" -> helpers.or;
                    case "minus" -> helpers.minus;
                    case "startswith" -> helpers.startswith;
                    case "endswith" -> helpers.endswith;
                    case "sort" -> helpers.sort;
                    case "min" -> helpers.min;
                    case "max" -> helpers.max;
                    default -> helpers.objectGet;
                };
                c.call(helper).localTee(result).i32Eqz().brIfUndefined();
            }
            default -> {
                int type = switch (f) {
                    case "is_null" -> Runtime.TYPE_NULL;
                    case "is_boolean" -> Runtime.TYPE_BOOLEAN;
                    case "is_number" -> Runtime.TYPE_NUMBER;
                    case "is_string" -> Runtime.TYPE_STRING;
                    case "is_array" -> Runtime.TYPE_ARRAY;
                    case "is_object" -> Runtime.TYPE_OBJECT;
                    case "is_set" -> Runtime.TYPE_SET;
                    default -> throw new WasmCompileException("not inline: " + f);
                };
                c.i32Const(data.trueValue).i32Const(data.falseValue);
                operand(c, s, a.get(0));
                c.call(r.valueType).i32Const(type).i32Eq().select().localSet(result);
            }
        }
    }
}
