package dev.lanyard.policies.builtins;

import com.dylibso.chicory.runtime.Memory;
import com.styra.opa.wasm.OpaWasm;
import com.styra.opa.wasm.OpaWasm_ModuleExports;
import java.nio.charset.StandardCharsets;

/**
 * Moves values between WASM memory and Java through Rego value text ({@code opa_value_dump} /
 * {@code opa_value_parse}), which keeps sets, non-string keys and exact decimals (JSON would not).
 */
final class ValueIO {
    private ValueIO() {}

    static Object read(OpaWasm wasm, int addr) {
        if (addr == 0) {
            throw new BuiltinError("undefined argument");
        }
        OpaWasm_ModuleExports x = wasm.exports();
        int text = x.opaValueDump(addr);
        Memory mem = wasm.memory();
        String s = mem.readCString(text, StandardCharsets.UTF_8);
        x.opaFree(text);
        return RegoText.parse(s);
    }

    static int write(OpaWasm wasm, Object value) {
        byte[] b = RegoText.format(value, RegoText.Style.REGO).getBytes(StandardCharsets.UTF_8);
        OpaWasm_ModuleExports x = wasm.exports();
        int buf = x.opaMalloc(b.length);
        wasm.memory().write(buf, b);
        int v = x.opaValueParse(buf, b.length);
        x.opaFree(buf);
        return v;
    }
}
