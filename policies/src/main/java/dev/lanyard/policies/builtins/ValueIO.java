package dev.lanyard.policies.builtins;

import com.dylibso.chicory.runtime.Memory;
import com.styra.opa.wasm.OpaWasm;
import com.styra.opa.wasm.OpaWasm_ModuleExports;
import java.nio.charset.StandardCharsets;

/**
 * Moves values between WASM memory and Java. Reading decodes the runtime's value structs directly; writing goes
 * through Rego value text and {@code opa_value_parse}, which keeps sets, non-string keys and exact decimals (JSON
 * would not).
 */
final class ValueIO {
    private ValueIO() {}

    static Object read(OpaWasm wasm, int addr) {
        if (addr == 0) {
            throw new BuiltinError("undefined argument");
        }
        return read(wasm, wasm.memory(), addr, 0);
    }

    /**
     * Decodes a value straight from the runtime's structs (value.h layout: type tag at +0; strings: length +4,
     * bytes +8; arrays: elems +4, length +8, elems are (index, value) pairs; objects/sets: buckets +4, bucket count
     * +8, chained entries). Decimal numbers (libmpdec) are read through {@code opa_value_dump}.
     */
    private static Object read(OpaWasm wasm, Memory mem, int addr, int depth) {
        if (depth > 512) {
            throw new BuiltinError("value nested too deeply");
        }
        int type = mem.read(addr) & 0xff;
        switch (type) {
            case 1:
                return RegoNull.NULL;
            case 2:
            case 9:
                return mem.read(addr + 1) != 0;
            case 3:
                if (mem.read(addr + 1) == 1) {
                    return java.math.BigDecimal.valueOf(mem.readLong(addr + 8));
                }
                return dump(wasm, mem, addr);
            case 4:
            case 8: {
                int len = mem.readInt(addr + 4);
                int ptr = mem.readInt(addr + 8);
                byte[] bytes = mem.readBytes(ptr, len);
                return RawString.isUtf8(bytes) ? new String(bytes, StandardCharsets.UTF_8) : new RawString(bytes);
            }
            case 5: {
                int elems = mem.readInt(addr + 4);
                int len = mem.readInt(addr + 8);
                Object[] out = new Object[len];
                for (int i = 0; i < len; i++) {
                    out[i] = read(wasm, mem, mem.readInt(elems + i * 8 + 4), depth + 1);
                }
                return java.util.List.of(out);
            }
            case 6: {
                java.util.Map<Object, Object> out = Values.newObject();
                int buckets = mem.readInt(addr + 4);
                int n = mem.readInt(addr + 8);
                for (int b = 0; b < n; b++) {
                    for (int e = mem.readInt(buckets + b * 4); e != 0; e = mem.readInt(e + 8)) {
                        out.put(read(wasm, mem, mem.readInt(e), depth + 1), read(wasm, mem, mem.readInt(e + 4), depth + 1));
                    }
                }
                return out;
            }
            case 7: {
                java.util.Set<Object> out = Values.newSet();
                int buckets = mem.readInt(addr + 4);
                int n = mem.readInt(addr + 8);
                for (int b = 0; b < n; b++) {
                    for (int e = mem.readInt(buckets + b * 4); e != 0; e = mem.readInt(e + 4)) {
                        out.add(read(wasm, mem, mem.readInt(e), depth + 1));
                    }
                }
                return out;
            }
            default:
                return dump(wasm, mem, addr);
        }
    }

    private static Object dump(OpaWasm wasm, Memory mem, int addr) {
        OpaWasm_ModuleExports x = wasm.exports();
        int text = x.opaValueDump(addr);
        // not freed: the heap is reset before every evaluation, and freed blocks only lengthen malloc's free list
        return RegoText.parse(mem.readCString(text, StandardCharsets.UTF_8));
    }

    /**
     * Scalars are laid out directly in memory allocated with {@code opa_malloc} (same structs as the runtime's own
     * constructors); composite values and decimals go through {@code opa_value_parse}.
     */
    static int write(OpaWasm wasm, Object value) {
        OpaWasm_ModuleExports x = wasm.exports();
        Memory mem = wasm.memory();
        if (value instanceof Boolean b) {
            int a = x.opaMalloc(2);
            mem.writeByte(a, (byte) 2);
            mem.writeByte(a + 1, (byte) (b ? 1 : 0));
            return a;
        }
        if (value instanceof String || value instanceof RawString) {
            byte[] b = value instanceof RawString raw ? raw.bytes() : ((String) value).getBytes(StandardCharsets.UTF_8);
            int a = x.opaMalloc(12 + b.length + 1);
            mem.writeI32(a, 4);
            mem.writeI32(a + 4, b.length);
            mem.writeI32(a + 8, a + 12);
            mem.write(a + 12, b);
            mem.writeByte(a + 12 + b.length, (byte) 0);
            return a;
        }
        if (value instanceof java.math.BigDecimal d && d.scale() <= 0 && d.precision() - d.scale() <= 18) {
            int a = x.opaMalloc(16);
            mem.writeI32(a, 3 | (1 << 8));
            mem.writeI32(a + 4, 0);
            mem.writeLong(a + 8, d.longValueExact());
            return a;
        }
        byte[] b = RegoText.format(value, RegoText.Style.REGO).getBytes(StandardCharsets.UTF_8);
        int buf = x.opaMalloc(b.length);
        mem.write(buf, b);
        return x.opaValueParse(buf, b.length);
    }
}
