package dev.lanyard.policies.wasm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.ExternalType;
import dev.lanyard.policies.ir.Policy;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The linked module, read back with Chicory's parser: runtime indices, imports and exports are unchanged. */
class ModuleLinkerTest {
    @Test
    void keepsRuntimeIndicesImportsAndExports() {
        Ir ir = new Ir();
        Policy p = ir.policy(List.of(ir.plan("t/x", "g0.data.t.x")), List.of(Ir.rule("g0.data.t.x", 2,
                Ir.block(new dev.lanyard.policies.ir.Stmt.AssignVarOnceStmt(ir.str("v"), 2, Ir.L)))));
        WasmModule runtime = Parser.parse(WasmBackend.runtimeModule());
        WasmModule linked = Parser.parse(WasmBackend.compile(p));
        assertEquals(runtime.importSection().importCount(), linked.importSection().importCount());
        assertEquals(runtime.importSection().count(ExternalType.FUNCTION),
                linked.importSection().count(ExternalType.FUNCTION));
        assertEquals(runtime.exportSection().exportCount(), linked.exportSection().exportCount());
        for (int i = 0; i < runtime.exportSection().exportCount(); i++) {
            assertEquals(runtime.exportSection().getExport(i).name(), linked.exportSection().getExport(i).name());
            assertEquals(runtime.exportSection().getExport(i).index(), linked.exportSection().getExport(i).index());
        }
        int added = linked.functionSection().functionCount() - runtime.functionSection().functionCount();
        assertTrue(added >= 2, "plan and rule functions appended: " + added);
        assertEquals(runtime.dataSection().dataSegments().length + 1, linked.dataSection().dataSegments().length);
        RuntimeModule rt = RuntimeModule.get();
        assertEquals(runtime.importSection().count(ExternalType.FUNCTION), rt.importedFunctions);
        assertEquals(runtime.nameSection().nameOfFunction(rt.function("opa_value_compare")), "opa_value_compare");
        assertEquals(119920, rt.heapBase);
    }
}
