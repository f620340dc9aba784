package dev.lanyard.policies.wasm;

import dev.lanyard.policies.builtins.BuiltinCatalog;
import dev.lanyard.policies.builtins.HostNames;
import dev.lanyard.policies.ir.Block;
import dev.lanyard.policies.ir.Policy;
import dev.lanyard.policies.ir.Stmt;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * IR to WASM: links the generated code into the OPA runtime found in the opa-java-wasm jar and returns a module
 * following OPA's WASM ABI 1.3. Builtins the runtime lacks are declared in {@code builtins()} and called on the host
 * ({@link dev.lanyard.policies.builtins.LanyardBuiltins}).
 */
public final class WasmBackend {
    private WasmBackend() {}

    public static byte[] compile(Policy ir) {
        RuntimeModule rt = RuntimeModule.get();
        Runtime r = new Runtime(rt);
        StaticData data = new StaticData(rt.heapBase);
        ModuleLinker linker = new ModuleLinker(rt);

        Map<String, Integer> funcIndex = new HashMap<>();
        Map<String, Integer> funcArity = new HashMap<>();
        for (Policy.Func f : ir.funcs()) {
            if (funcIndex.containsKey(f.name())) {
                throw new WasmCompileException("duplicate function " + f.name());
            }
            funcIndex.put(f.name(), linker.declare(linker.type(f.params().size(), 1)));
            funcArity.put(f.name(), f.params().size());
        }
        int[] planIndex = new int[ir.plans().size()];
        for (int i = 0; i < planIndex.length; i++) {
            planIndex[i] = linker.declare(linker.type(3, 0));
        }
        Helpers helpers = new Helpers(linker, r, data);

        Map<String, Integer> hostIds = hostBuiltins(ir, funcIndex);
        helpers.define(linker, hostIds);
        Memo memo = new Memo(data);
        Lowering lowering = new Lowering(r, data, helpers, memo, ir.statics(), funcIndex, funcArity, hostIds);
        for (int i = 0; i < ir.funcs().size(); i++) {
            Policy.Func f = ir.funcs().get(i);
            try {
                linker.define(funcIndex.get(f.name()), lowering.func(f));
            } catch (WasmCompileException e) {
                throw new WasmCompileException(f.name() + ": " + e.getMessage(), e);
            }
        }
        for (int i = 0; i < planIndex.length; i++) {
            linker.define(planIndex[i], lowering.plan(ir.plans().get(i)));
        }

        Map<Integer, byte[]> replaced = new HashMap<>();
        replaced.put(rt.function("eval"), eval(r, data, memo, planIndex));
        replaced.put(rt.function("builtins"), nameTable(r, data, hostNames(hostIds)));
        Map<String, Integer> entrypoints = new LinkedHashMap<>();
        for (int i = 0; i < ir.plans().size(); i++) {
            entrypoints.put(ir.plans().get(i).name(), i);
        }
        replaced.put(rt.function("entrypoints"), nameTable(r, data, entrypoints));
        int heapBase = data.end();
        replaced.put(rt.function("_initialize"), initialize(r, heapBase));
        int minPages = (heapBase + 65535) / 65536;
        return linker.link(replaced, data.base(), data.bytes(), minPages);
    }

    /** Host builtins the policy calls, with ids in order of first use. */
    private static Map<String, Integer> hostBuiltins(Policy ir, Map<String, Integer> funcIndex) {
        Map<String, Integer> ids = new LinkedHashMap<>();
        BuiltinCatalog catalog = BuiltinCatalog.standard();
        java.util.function.Consumer<Stmt.CallStmt> visit = call -> {
            String f = call.func();
            if (funcIndex.containsKey(f)) {
                return;
            }
            // e.g. count is inline for collections, but strings count runes on the host
            if (Lowering.isInline(f) && !Lowering.hasHostFallback(f)) {
                return;
            }
            if (!catalog.contains(f)) {
                throw new WasmCompileException("unsupported builtin " + f);
            }
            ids.putIfAbsent(f, ids.size());
        };
        for (Policy.Func f : ir.funcs()) {
            for (Block b : f.blocks()) {
                walk(b, visit);
            }
        }
        for (Policy.Plan p : ir.plans()) {
            for (Block b : p.blocks()) {
                walk(b, visit);
            }
        }
        return ids;
    }

    private static void walk(Block b, java.util.function.Consumer<Stmt.CallStmt> visit) {
        for (Stmt s : b.stmts()) {
            if (s instanceof Stmt.CallStmt c) {
                visit.accept(c);
            } else if (s instanceof Stmt.BlockStmt bs) {
                bs.blocks().forEach(x -> walk(x, visit));
            } else if (s instanceof Stmt.NotStmt n) {
                walk(n.block(), visit);
            } else if (s instanceof Stmt.ScanStmt sc) {
                walk(sc.block(), visit);
            } else if (s instanceof Stmt.WithStmt w) {
                walk(w.block(), visit);
            }
        }
    }

    private static Map<String, Integer> hostNames(Map<String, Integer> ids) {
        Map<String, Integer> out = new LinkedHashMap<>();
        ids.forEach((k, v) -> out.put(HostNames.hostName(k), v));
        return out;
    }

    /** {@code eval(ctx)}: fresh memo epoch, result set at ctx+8, dispatch on the entrypoint id at ctx+12. */
    private static byte[] eval(Runtime r, StaticData data, Memo memo, int[] plans) {
        Code c = new Code();
        int ctx = 0, input = 1, dat = 2, rs = 3, ep = 4;
        memo.newEvaluation(c);
        c.localGet(ctx).i32Load(0).localSet(input);
        c.localGet(ctx).i32Load(4).localSet(dat);
        c.call(r.set).localSet(rs);
        c.localGet(ctx).localGet(rs).i32Store(8);
        c.localGet(ctx).i32Load(12).localSet(ep);
        for (int i = 0; i < plans.length; i++) {
            c.localGet(ep).i32Const(i).i32Eq().ifThen();
            c.localGet(input).localGet(dat).localGet(rs).call(plans[i]);
            c.i32Const(0).ret();
            c.end();
        }
        c.i32Const(data.cstring("internal: illegal entrypoint id")).call(r.abort);
        c.i32Const(0);
        return c.body(4);
    }

    private static byte[] nameTable(Runtime r, StaticData data, Map<String, Integer> names) {
        Code c = new Code();
        c.call(r.object).localSet(0);
        names.forEach((name, id) -> {
            c.localGet(0).i32Const(data.stringValue(name)).i64Const(id).call(r.numberInt).call(r.objectInsert);
        });
        c.localGet(0);
        return c.body(1);
    }

    private static byte[] initialize(Runtime r, int heapBase) {
        Code c = new Code();
        c.i32Const(heapBase).call(r.mallocInit);
        c.call(r.mpdInit);
        return c.body(0);
    }

    /** The unmodified OPA demo module bundled in opa-java-wasm (used by tests and as the runtime source). */
    public static byte[] runtimeModule() {
        return RuntimeModule.load();
    }
}
