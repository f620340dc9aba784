package dev.lanyard.policies.engine;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import java.util.function.Function;

/**
 * A bundle's WASM module, parsed and compiled to JVM bytecode once. Every {@link WasmInstance} of a revision runs on
 * these classes: the JIT then warms one copy of the policy's code instead of one per instance, and an instance that
 * has to be replaced (after an abort) costs milliseconds instead of a second of compilation.
 *
 * <p>Why this matters: opa-java-wasm compiles the module again for every instance it builds. With one instance per
 * event loop, a proxy or server evaluated each decision on code that was still being profiled and compiled long after
 * start (a pool of four took several hundred thousand decisions to reach the speed one instance reaches in a few
 * seconds), and the copies crowded each other out of the code cache and the CPU caches.
 */
final class CompiledModule {
    final byte[] bytes;
    final WasmModule module;
    final Function<Instance, Machine> machines;

    CompiledModule(byte[] bytes) {
        this.bytes = bytes;
        this.module = Parser.parse(bytes);
        this.machines = MachineFactoryCompiler.compile(module);
    }
}
