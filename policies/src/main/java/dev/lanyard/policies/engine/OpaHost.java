package dev.lanyard.policies.engine;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.styra.opa.wasm.OpaWasm;
import com.styra.opa.wasm.OpaWasm_ModuleExports;
import java.lang.reflect.Field;
import java.util.function.Supplier;

/**
 * Moves an opa-java-wasm {@link OpaWasm} onto an instance of a {@link CompiledModule}.
 *
 * <p>opa-java-wasm's builder offers no way to pass in a compiled module: it compiles one per {@code OpaWasm} (see
 * {@link CompiledModule} for what that costs). Its {@code OpaWasm} is still what we need as the host side of the ABI
 * — the imports ({@code opa_builtin0..4}, {@code opa_abort}) and every built-in function take it as their context.
 * So the {@code OpaWasm} is built on the interpreter (cheap: nothing is compiled), and its instance, memory and
 * exports are then replaced by an instance of the shared compiled module, on a fresh memory, whose imports call back
 * into the same {@code OpaWasm}. Built-in ids come from the module's {@code builtins} export, which both instances
 * share. The fields are private to opa-java-wasm 1.0.x, and a JDK may refuse to change final fields; if either
 * stops this, {@link #bind} says so once and returns null, and instances compile their own copies again (slower to
 * warm up, otherwise the same).
 */
final class OpaHost {
    private static final System.Logger LOG = System.getLogger(OpaHost.class.getName());
    private static final Field INSTANCE;
    private static final Field MEMORY;
    private static final Field EXPORTS;
    private static volatile boolean refused;

    static {
        Field instance = null;
        Field memory = null;
        Field exports = null;
        try {
            instance = field("instance");
            memory = field("memory");
            exports = field("exports");
        } catch (ReflectiveOperationException | RuntimeException e) {
            refuse(e);
        }
        INSTANCE = instance;
        MEMORY = memory;
        EXPORTS = exports;
    }

    private OpaHost() {}

    /**
     * The {@code OpaWasm} that {@code builder} makes, on the interpreter, then bound to a new instance of
     * {@code module} on a memory from {@code memories}; null (and nothing built) if the binding is refused.
     */
    static OpaWasm bind(OpaWasm.Builder builder, CompiledModule module, Supplier<Memory> memories) {
        if (refused) {
            return null;
        }
        try {
            OpaWasm host = builder.disableCompiler().build();
            Memory memory = memories.get();
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
        } catch (ReflectiveOperationException | RuntimeException e) {
            refuse(e);
            return null;
        }
    }

    private static void refuse(Exception e) {
        if (!refused) {
            refused = true;
            LOG.log(System.Logger.Level.WARNING, "policy instances cannot share one compiled module (" + e
                    + "); each instance compiles its own copy, which makes the policy slower to warm up");
        }
    }

    private static Field field(String name) throws NoSuchFieldException {
        Field f = OpaWasm.class.getDeclaredField(name);
        f.setAccessible(true);
        return f;
    }
}
