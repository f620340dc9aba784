package dev.lanyard.policies.wasm;

import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.Instruction;
import com.dylibso.chicory.wasm.types.OpCode;
import com.dylibso.chicory.wasm.types.ValType;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The OPA runtime shipped inside opa-java-wasm ({@code demo-policy.wasm}), read from the classpath and analysed
 * once: raw sections for re-encoding, runtime function indices by name, signatures, and the two addresses the
 * generated code must know (the heap base passed to {@code opa_malloc_init} and the memo stack slot). Immutable.
 */
final class RuntimeModule {
    static final String RESOURCE = "/demo-policy.wasm";

    /** Runtime functions the generated code calls; checked at load time so a different runtime fails fast. */
    static final List<String> REQUIRED = List.of("opa_abort", "opa_runtime_error", "opa_malloc", "opa_malloc_init",
            "opa_mpd_init", "opa_memoize_init", "opa_memoize_get", "opa_memoize_insert", "opa_value_type",
            "opa_value_compare", "opa_value_get", "opa_value_iter", "opa_value_length", "opa_object_get",
            "opa_object_insert", "opa_object", "opa_array", "opa_array_append", "opa_set", "opa_set_add", "opa_null",
            "opa_number_int", "opa_json_parse", "eval", "builtins", "entrypoints", "_initialize",
            "opa_builtin0", "opa_builtin1", "opa_builtin2", "opa_builtin3", "opa_builtin4");

    private static volatile RuntimeModule instance;

    final byte[] bytes;
    /** Raw sections in file order: id and payload range. */
    final List<Section> sections;
    final Map<String, Integer> functions;
    /** Type index of every function (imports included). */
    final int[] functionTypes;
    final List<FunctionType> types;
    final int importedFunctions;
    final int totalFunctions;
    final int heapBase;
    final int memoSlot;

    record Section(int id, int start, int end) {}

    private RuntimeModule(byte[] bytes) {
        this.bytes = bytes;
        this.sections = splitSections(bytes);
        WasmModule m = Parser.parse(bytes);
        importedFunctions = m.importSection().count(ExternalType.FUNCTION);
        int defined = m.functionSection().functionCount();
        totalFunctions = importedFunctions + defined;
        types = new ArrayList<>();
        for (int i = 0; i < m.typeSection().typeCount(); i++) {
            types.add(m.typeSection().getType(i));
        }
        functionTypes = new int[totalFunctions];
        for (int i = 0; i < importedFunctions; i++) {
            functionTypes[i] = -1;
        }
        for (int i = 0; i < defined; i++) {
            functionTypes[importedFunctions + i] = m.functionSection().getFunctionType(i);
        }
        Map<String, Integer> names = new HashMap<>();
        for (int i = 0; i < totalFunctions; i++) {
            String n = m.nameSection() == null ? null : m.nameSection().nameOfFunction(i);
            if (n != null) {
                names.putIfAbsent(n, i);
            }
        }
        // the imported abort is named "opa_abort_" in the name section; the runtime wrapper is "opa_abort"
        for (int i = 0; i < m.exportSection().exportCount(); i++) {
            var e = m.exportSection().getExport(i);
            if (e.exportType() == ExternalType.FUNCTION) {
                names.putIfAbsent(e.name(), e.index());
            }
        }
        functions = Map.copyOf(names);
        for (String r : REQUIRED) {
            if (!functions.containsKey(r)) {
                throw new IllegalStateException("OPA runtime lacks function " + r);
            }
        }
        heapBase = firstI32Const(m, function("_initialize"));
        memoSlot = memoSlot(m, function("opa_memoize_init"));
    }

    static RuntimeModule get() {
        RuntimeModule r = instance;
        if (r == null) {
            synchronized (RuntimeModule.class) {
                r = instance;
                if (r == null) {
                    instance = r = new RuntimeModule(load());
                }
            }
        }
        return r;
    }

    /** The unmodified runtime module bytes (e.g. for tests that evaluate OPA's own demo policy). */
    static byte[] load() {
        try (InputStream in = RuntimeModule.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " not on the classpath (opa-java-wasm missing?)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + RESOURCE, e);
        }
    }

    int function(String name) {
        Integer i = functions.get(name);
        if (i == null) {
            throw new WasmCompileException("OPA runtime lacks function " + name);
        }
        return i;
    }

    Section section(int id) {
        for (Section s : sections) {
            if (s.id == id) {
                return s;
            }
        }
        return null;
    }

    /** Index of an existing type {@code (i32 x params) -> (i32 x results)}, or -1. */
    int findType(int params, int results) {
        for (int i = 0; i < types.size(); i++) {
            FunctionType t = types.get(i);
            if (t.params().size() == params && t.returns().size() == results
                    && t.params().stream().allMatch(v -> v.equals(ValType.I32))
                    && t.returns().stream().allMatch(v -> v.equals(ValType.I32))) {
                return i;
            }
        }
        return -1;
    }

    private static List<Section> splitSections(byte[] b) {
        if (b.length < 8 || b[0] != 0 || b[1] != 'a' || b[2] != 's' || b[3] != 'm') {
            throw new IllegalStateException("not a WASM module");
        }
        List<Section> out = new ArrayList<>();
        ByteSource src = new ByteSource(b, 8);
        while (src.hasMore(b.length)) {
            int id = src.u8();
            int size = (int) src.uleb();
            out.add(new Section(id, src.pos(), src.pos() + size));
            src.skip(size);
        }
        return List.copyOf(out);
    }

    private int firstI32Const(WasmModule m, int func) {
        for (Instruction ins : m.codeSection().getFunctionBody(func - importedFunctions).instructions()) {
            if (ins.opcode() == OpCode.I32_CONST) {
                return (int) ins.operand(0);
            }
        }
        throw new IllegalStateException("cannot find the heap base in _initialize");
    }

    /** The memo stack pointer: the absolute address {@code opa_memoize_init} stores the new frame at. */
    private int memoSlot(WasmModule m, int func) {
        List<? extends Instruction> code = m.codeSection().getFunctionBody(func - importedFunctions).instructions();
        for (int i = 2; i < code.size(); i++) {
            Instruction ins = code.get(i);
            if (ins.opcode() == OpCode.I32_STORE && code.get(i - 2).opcode() == OpCode.I32_CONST
                    && code.get(i - 2).operand(0) == 0 && ins.operand(1) > 1024) {
                return (int) ins.operand(1);
            }
        }
        throw new IllegalStateException("cannot find the memo slot in opa_memoize_init: " + Arrays.toString(
                code.stream().map(Instruction::opcode).toArray()));
    }
}
