package dev.lanyard.policies.engine;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.styra.opa.wasm.OpaWasm;
import com.styra.opa.wasm.OpaWasm_ModuleExports;
import java.lang.reflect.Field;

/**
 * Moves an opa-java-wasm {@link OpaWasm} onto an instance of a {@link CompiledModule}.
 *
 * <p>opa-java-wasm's builder offers no way to pass in a compiled module: it compiles one per {@code OpaWasm} (see
 * {@link CompiledModule} for what that costs). Its {@code OpaWasm} is still what we need as the host side of the ABI
 * — the imports ({@code opa_builtin0..4}, {@code opa_abort}) and every built-in function take it as their context.
 * So the {@code OpaWasm} is built on the interpreter (cheap: nothing is compiled), and its instance, memory and
 * exports are then replaced by an instance of the shared compiled module, on a fresh memory, whose imports call back
 * into the same {@code OpaWasm}. Built-in ids come from the module's {@code builtins} export, which both instances
 * share. The fields are private to opa-java-wasm 1.0.x; if a later version renames them this fails at start with a
 * clear error instead of evaluating on a half-replaced host.
 */
final class OpaHost {
    private static final Field INSTANCE = field("instance");
    private static final Field MEMORY = field("memory");
    private static final Field EXPORTS = field("exports");

    private OpaHost() {}

    static OpaWasm bind(OpaWasm host, CompiledModule module, Memory memory) {
        try {
            // first: the module imports its memory, and the host's imports hand over whatever memory() is then
            MEMORY.set(host, memory);
            Instance compiled = Instance.builder(module.module)
                    .withImportValues(host.toImportValues())
                    .withMachineFactory(module.machines)
                    .build();
            INSTANCE.set(host, compiled);
            EXPORTS.set(host, new OpaWasm_ModuleExports(compiled));
            if (host.instance() != compiled || host.memory() != memory || compiled.memory() != memory) {
                throw new IllegalStateException("opa-java-wasm did not take the shared compiled module");
            }
            return host;
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot bind opa-java-wasm to a shared compiled module", e);
        }
    }

    private static Field field(String name) {
        try {
            Field f = OpaWasm.class.getDeclaredField(name);
            f.setAccessible(true);
            return f;
        } catch (NoSuchFieldException | RuntimeException e) {
            throw new ExceptionInInitializerError("opa-java-wasm changed: OpaWasm." + name + " not found (" + e + ")");
        }
    }
}
