package dev.lanyard.policies.wasm;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The data segment the backend appends after the runtime's data: NUL-terminated strings, interned string values
 * (12 bytes: tag 8, length at +4, pointer at +8) and the two interned booleans (tag 9, value). Interned values are
 * never freed by the runtime, so generated code can use their addresses as ordinary value pointers.
 */
final class StaticData {
    private static final int TAG_STRING_INTERNED = 8;
    private static final int TAG_BOOLEAN_INTERNED = 9;

    private final int base;
    private final ByteSink bytes = new ByteSink(4096);
    private final Map<String, Integer> cstrings = new HashMap<>();
    private final Map<String, Integer> values = new HashMap<>();
    final int trueValue;
    final int falseValue;
    /** Scratch word (e.g. saved flags); kept here so no global has to be added. */
    final int scratch;

    StaticData(int base) {
        this.base = base;
        trueValue = addr();
        bytes.u8(TAG_BOOLEAN_INTERNED).u8(1);
        falseValue = addr();
        bytes.u8(TAG_BOOLEAN_INTERNED).u8(0);
        align(8);
        scratch = addr();
        bytes.u8(0).u8(0).u8(0).u8(0);
    }

    /** Address of a NUL-terminated copy of {@code s}. */
    int cstring(String s) {
        return cstrings.computeIfAbsent(s, k -> {
            int a = addr();
            bytes.bytes(k.getBytes(StandardCharsets.UTF_8)).u8(0);
            return a;
        });
    }

    static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    /** Address of an interned string value holding {@code s}. */
    int stringValue(String s) {
        Integer known = values.get(s);
        if (known != null) {
            return known;
        }
        int text = cstring(s);
        align(4);
        int a = addr();
        bytes.u8(TAG_STRING_INTERNED).u8(0).u8(0).u8(0);
        int32(utf8Length(s));
        int32(text);
        values.put(s, a);
        return a;
    }

    /** A zero-initialised, 4-byte aligned word. */
    int word() {
        align(4);
        int a = addr();
        int32(0);
        return a;
    }

    int booleanValue(boolean b) {
        return b ? trueValue : falseValue;
    }

    int base() {
        return base;
    }

    /** First free address after the segment, 16-byte aligned (the new heap base). */
    int end() {
        return (base + bytes.size() + 15) & ~15;
    }

    byte[] bytes() {
        return bytes.toByteArray();
    }

    private int addr() {
        return base + bytes.size();
    }

    private void align(int n) {
        while ((addr() % n) != 0) {
            bytes.u8(0);
        }
    }

    private void int32(int v) {
        bytes.u8(v).u8(v >>> 8).u8(v >>> 16).u8(v >>> 24);
    }
}
