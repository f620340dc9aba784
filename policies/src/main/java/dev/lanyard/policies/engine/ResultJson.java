package dev.lanyard.policies.engine;

import com.dylibso.chicory.runtime.Memory;
import dev.lanyard.policies.builtins.RawString;
import dev.lanyard.policies.builtins.RegoText;
import java.nio.charset.StandardCharsets;

/**
 * Serialises a result value to JSON text in Java by reading the runtime's structs (value.h layout), the same walk
 * {@code opa_json_dump} makes in WASM (objects in bucket order), at a fraction of its cost. Only the plain JSON subset
 * is handled here (sets become arrays in bucket order, as the runtime writes them): a non-string key, a decimal or a
 * string that is not UTF-8 answers null and the caller falls back to the runtime's own dump, so such results keep
 * exactly the runtime's rendering.
 */
final class ResultJson {
    private static final int MAX_DEPTH = 512;

    private ResultJson() {}

    /** JSON text of the value at {@code addr}, or null when only the runtime's dump renders it faithfully. */
    static String write(Memory mem, int addr) {
        StringBuilder out = new StringBuilder(256);
        return value(mem, addr, out, 0) ? out.toString() : null;
    }

    private static boolean value(Memory mem, int addr, StringBuilder out, int depth) {
        if (addr == 0 || depth > MAX_DEPTH) {
            return false;
        }
        switch (mem.read(addr) & 0xff) {
            case 1:
                out.append("null");
                return true;
            case 2:
            case 9:
                out.append(mem.read(addr + 1) != 0 ? "true" : "false");
                return true;
            case 3:
                if (mem.read(addr + 1) != 1) {
                    return false; // a decimal (libmpdec): the runtime formats it
                }
                out.append(mem.readLong(addr + 8));
                return true;
            case 4:
            case 8:
                return string(mem, mem.readInt(addr + 8), mem.readInt(addr + 4), out);
            case 5: {
                int elems = mem.readInt(addr + 4);
                int len = mem.readInt(addr + 8);
                out.append('[');
                for (int i = 0; i < len; i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    if (!value(mem, mem.readInt(elems + i * 8 + 4), out, depth + 1)) {
                        return false;
                    }
                }
                out.append(']');
                return true;
            }
            case 6: {
                int buckets = mem.readInt(addr + 4);
                int n = mem.readInt(addr + 8);
                out.append('{');
                boolean first = true;
                for (int b = 0; b < n; b++) {
                    for (int e = mem.readInt(buckets + b * 4); e != 0; e = mem.readInt(e + 8)) {
                        int key = mem.readInt(e);
                        int keyType = mem.read(key) & 0xff;
                        if (keyType != 4 && keyType != 8) {
                            return false;
                        }
                        if (!first) {
                            out.append(',');
                        }
                        first = false;
                        if (!string(mem, mem.readInt(key + 8), mem.readInt(key + 4), out)) {
                            return false;
                        }
                        out.append(':');
                        if (!value(mem, mem.readInt(e + 4), out, depth + 1)) {
                            return false;
                        }
                    }
                }
                out.append('}');
                return true;
            }
            case 7: {
                // as opa_json_dump: a set becomes an array, in bucket order
                int buckets = mem.readInt(addr + 4);
                int n = mem.readInt(addr + 8);
                out.append('[');
                boolean first = true;
                for (int b = 0; b < n; b++) {
                    for (int e = mem.readInt(buckets + b * 4); e != 0; e = mem.readInt(e + 4)) {
                        if (!first) {
                            out.append(',');
                        }
                        first = false;
                        if (!value(mem, mem.readInt(e), out, depth + 1)) {
                            return false;
                        }
                    }
                }
                out.append(']');
                return true;
            }
            default:
                return false;
        }
    }

    private static boolean string(Memory mem, int ptr, int len, StringBuilder out) {
        byte[] bytes = mem.readBytes(ptr, len);
        if (!RawString.isUtf8(bytes)) {
            return false;
        }
        RegoText.quote(out, new String(bytes, StandardCharsets.UTF_8));
        return true;
    }
}
