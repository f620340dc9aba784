package dev.lanyard.policies.engine;

import com.dylibso.chicory.runtime.ByteArrayMemory;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.styra.opa.wasm.OpaBuiltin;
import com.styra.opa.wasm.OpaWasm;
import com.styra.opa.wasm.OpaWasm_ModuleExports;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One opa-java-wasm module instance with the bundle's data loaded, driven through the ABI's exports (as
 * opa-java-wasm's {@code OpaPolicy} does) but with the input written straight into the heap
 * ({@link InputLayout}) and the result read straight out of it ({@link ResultJson}), which removes the WASM JSON
 * parser and writer from every decision. Data is loaded once with the runtime's own parser; each evaluation resets
 * the heap to just after it. Not thread-safe: one thread at a time.
 */
final class WasmInstance {
    private static final int MEMORY_INITIAL_PAGES = 10;
    private static final int MEMORY_MAX_PAGES = 65536;

    private final OpaWasm wasm;
    private final OpaWasm_ModuleExports x;
    private final int dataAddr;
    private final int dataHeapPtr;

    WasmInstance(CompiledModule module, String dataJson, OpaBuiltin.Builtin[] builtins) {
        this(module, dataJson, builtins, true);
    }

    /** {@code share} false: the instance compiles its own copy of the module, as when the binding is refused. */
    WasmInstance(CompiledModule module, String dataJson, OpaBuiltin.Builtin[] builtins, boolean share) {
        OpaWasm shared = share ? OpaHost.bind(host(module, builtins), module, WasmInstance::newMemory) : null;
        // where the binding is refused (a newer opa-java-wasm or JDK), the instance compiles its own copy as before
        this.wasm = shared != null ? shared : host(module, builtins).build();
        this.x = wasm.exports();
        long abi = x.opaWasmAbiVersion().getValue();
        if (abi != 1) {
            throw new IllegalArgumentException("unsupported OPA WASM ABI version " + abi + " (1.x is supported)");
        }
        byte[] data = (dataJson == null || dataJson.isBlank() ? "{}" : dataJson).getBytes(StandardCharsets.UTF_8);
        int buf = x.opaMalloc(data.length);
        wasm.memory().write(buf, data);
        this.dataAddr = x.opaJsonParse(buf, data.length);
        if (dataAddr == 0) {
            throw new IllegalArgumentException("bundle data is not valid JSON");
        }
        this.dataHeapPtr = x.opaHeapPtrGet();
    }

    private static OpaWasm.Builder host(CompiledModule module, OpaBuiltin.Builtin[] builtins) {
        return OpaWasm.builder()
                .withInputStream(new ByteArrayInputStream(module.bytes))
                .withJsonMapper(new ObjectMapper())
                .withYamlMapper(new ObjectMapper(new YAMLFactory()))
                .withMemory(newMemory())
                .withDefaultBuiltins(true)
                .addBuiltins(builtins);
    }

    private static ByteArrayMemory newMemory() {
        return new ByteArrayMemory(new MemoryLimits(MEMORY_INITIAL_PAGES, MEMORY_MAX_PAGES));
    }

    /** The compiled code this instance runs on; instances of one {@link CompiledModule} share its class. */
    Class<?> machineClass() {
        return wasm.instance().getMachine().getClass();
    }

    Map<String, Integer> entrypoints() {
        try {
            return Bundle.JSON.readValue(dump(x.entrypoints()), new TypeReference<Map<String, Integer>>() {});
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The result set as JSON text ({@code [{"result": …}]}, {@code []} when undefined); null input = undefined. */
    String evaluate(int entrypoint, String inputJson) {
        return evaluate(entrypoint, InputLayout.Input.of(inputJson));
    }

    String evaluate(int entrypoint, InputLayout.Input in) {
        x.opaHeapPtrSet(dataHeapPtr);
        int input = InputLayout.write(wasm, in);
        int ctx = x.opaEvalCtxNew();
        x.opaEvalCtxSetData(ctx, dataAddr);
        x.opaEvalCtxSetInput(ctx, input);
        x.opaEvalCtxSetEntrypoint(ctx, entrypoint);
        int code = x.eval(ctx);
        if (code != 0) {
            throw new IllegalStateException("policy evaluation failed with OPA error code " + code);
        }
        int result = x.opaEvalCtxGetResult(ctx);
        String json = ResultJson.write(wasm.memory(), result);
        return json != null ? json : dump(result);
    }

    private String dump(int addr) {
        int text = x.opaJsonDump(addr);
        return wasm.memory().readCString(text, StandardCharsets.UTF_8);
    }
}
