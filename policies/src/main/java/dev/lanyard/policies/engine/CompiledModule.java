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
 * has to be replaced (after an abort) costs ≈ 50 ms (memory and data set up) instead of 150–300 ms of compilation.
 *
 * <p>Why this matters: opa-java-wasm compiles the module again for every instance it builds. With one instance per
 * event loop, the JIT had to profile and compile every copy: a busy pool of four needed ≈ 900,000 decisions to reach
 * its steady speed, against ≈ 550,000 on one shared copy ({@code PoolWarmup}, docs/benchmarks-policies.md).
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
