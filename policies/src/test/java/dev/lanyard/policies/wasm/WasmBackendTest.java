package dev.lanyard.policies.wasm;

import static dev.lanyard.policies.wasm.Ir.L;
import static dev.lanyard.policies.wasm.Ir.block;
import static dev.lanyard.policies.wasm.Ir.bool;
import static dev.lanyard.policies.wasm.Ir.l;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.styra.opa.wasm.OpaPolicy;
import dev.lanyard.policies.ir.Policy;
import dev.lanyard.policies.ir.Stmt;
import java.util.List;
import org.junit.jupiter.api.Test;

class WasmBackendTest {
    static OpaPolicy load(byte[] wasm) {
        return OpaPolicy.builder().withPolicy(wasm).build();
    }

    @Test
    void completeRuleWithDefault() {
        Ir ir = new Ir();
        Policy p = ir.policy(List.of(ir.plan("test/allow", "g0.data.test.allow")), List.of(Ir.rule(
                "g0.data.test.allow", 2,
                block(new Stmt.DotStmt(l(0), ir.str("user"), 3, L),
                        new Stmt.EqualStmt(l(3), ir.str("admin"), L),
                        new Stmt.AssignVarOnceStmt(bool(true), 2, L)),
                block(new Stmt.IsUndefinedStmt(2, L), new Stmt.AssignVarOnceStmt(bool(false), 2, L)))));
        OpaPolicy opa = load(WasmBackend.compile(p));
        opa.data("{}");
        assertEquals("[{\"result\":true}]", opa.evaluate("{\"user\":\"admin\"}"));
        assertEquals("[{\"result\":false}]", opa.evaluate("{\"user\":\"bob\"}"));
        assertEquals("[{\"result\":false}]", opa.evaluate("[1]"));
    }
}
