package dev.lanyard.policies.wasm;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Appends generated types, functions and one data segment to the runtime module and replaces a few function bodies
 * in place. No import is added and no existing function, type, table entry or global moves, so every index the
 * runtime uses internally (and every export) stays valid.
 */
final class ModuleLinker {
    private final RuntimeModule rt;
    private final List<Integer> newTypeParams = new ArrayList<>();
    private final List<Integer> newTypeResults = new ArrayList<>();
    private final List<Integer> newFuncTypes = new ArrayList<>();
    private final List<byte[]> newBodies = new ArrayList<>();

    ModuleLinker(RuntimeModule rt) {
        this.rt = rt;
    }

    /** Index of the type {@code (i32 x params) -> (i32 x results)}, reusing a runtime type when one matches. */
    int type(int params, int results) {
        int existing = rt.findType(params, results);
        if (existing >= 0) {
            return existing;
        }
        for (int i = 0; i < newTypeParams.size(); i++) {
            if (newTypeParams.get(i) == params && newTypeResults.get(i) == results) {
                return rt.types.size() + i;
            }
        }
        newTypeParams.add(params);
        newTypeResults.add(results);
        return rt.types.size() + newTypeParams.size() - 1;
    }

    /** Reserves the next function index; its body is supplied later with {@link #define}. */
    int declare(int typeIndex) {
        newFuncTypes.add(typeIndex);
        newBodies.add(null);
        return rt.totalFunctions + newFuncTypes.size() - 1;
    }

    void define(int funcIndex, byte[] body) {
        newBodies.set(funcIndex - rt.totalFunctions, body);
    }

    byte[] link(Map<Integer, byte[]> replacedBodies, int dataAddr, byte[] data, int minPages) {
        for (int i = 0; i < newBodies.size(); i++) {
            if (newBodies.get(i) == null) {
                throw new IllegalStateException("function " + (rt.totalFunctions + i) + " declared but not defined");
            }
        }
        ByteSink out = new ByteSink(rt.bytes.length + data.length + 64 * 1024);
        out.bytes(rt.bytes, 0, 8);
        for (RuntimeModule.Section s : rt.sections) {
            ByteSink payload = switch (s.id()) {
                case 1 -> types(s);
                case 2 -> imports(s, minPages);
                case 3 -> functions(s);
                case 10 -> code(s, replacedBodies);
                case 11 -> data(s, dataAddr, data);
                default -> null;
            };
            out.u8(s.id());
            if (payload == null) {
                out.uleb(s.end() - s.start()).bytes(rt.bytes, s.start(), s.end() - s.start());
            } else {
                out.sized(payload);
            }
        }
        return out.toByteArray();
    }

    private ByteSink types(RuntimeModule.Section s) {
        ByteSource in = new ByteSource(rt.bytes, s.start());
        long n = in.uleb();
        ByteSink p = new ByteSink();
        p.uleb(n + newTypeParams.size());
        p.bytes(rt.bytes, in.pos(), s.end() - in.pos());
        for (int i = 0; i < newTypeParams.size(); i++) {
            p.u8(0x60).uleb(newTypeParams.get(i));
            for (int j = 0; j < newTypeParams.get(i); j++) {
                p.u8(0x7f);
            }
            p.uleb(newTypeResults.get(i));
            for (int j = 0; j < newTypeResults.get(i); j++) {
                p.u8(0x7f);
            }
        }
        return p;
    }

    /** Re-encodes imports unchanged except the imported memory's minimum, raised to hold the new data. */
    private ByteSink imports(RuntimeModule.Section s, int minPages) {
        ByteSource in = new ByteSource(rt.bytes, s.start());
        long n = in.uleb();
        ByteSink p = new ByteSink();
        p.uleb(n);
        for (long i = 0; i < n; i++) {
            p.name(in.name()).name(in.name());
            int kind = in.u8();
            p.u8(kind);
            switch (kind) {
                case 0 -> p.uleb(in.uleb());
                case 1 -> {
                    p.u8(in.u8());
                    limits(in, p, 0);
                }
                case 2 -> limits(in, p, minPages);
                case 3 -> p.u8(in.u8()).u8(in.u8());
                default -> throw new IllegalStateException("unknown import kind " + kind);
            }
        }
        return p;
    }

    private static void limits(ByteSource in, ByteSink p, int minAtLeast) {
        int flag = in.u8();
        long min = in.uleb();
        p.u8(flag).uleb(Math.max(min, minAtLeast));
        if ((flag & 1) != 0) {
            p.uleb(Math.max(in.uleb(), minAtLeast));
        }
    }

    private ByteSink functions(RuntimeModule.Section s) {
        ByteSource in = new ByteSource(rt.bytes, s.start());
        long n = in.uleb();
        ByteSink p = new ByteSink();
        p.uleb(n + newFuncTypes.size());
        p.bytes(rt.bytes, in.pos(), s.end() - in.pos());
        for (int t : newFuncTypes) {
            p.uleb(t);
        }
        return p;
    }

    private ByteSink code(RuntimeModule.Section s, Map<Integer, byte[]> replaced) {
        ByteSource in = new ByteSource(rt.bytes, s.start());
        long n = in.uleb();
        ByteSink p = new ByteSink(s.end() - s.start() + 64 * 1024);
        p.uleb(n + newBodies.size());
        for (int i = 0; i < n; i++) {
            int start = in.pos();
            int size = (int) in.uleb();
            in.skip(size);
            byte[] repl = replaced.get(rt.importedFunctions + i);
            if (repl != null) {
                p.bytes(repl);
            } else {
                p.bytes(rt.bytes, start, in.pos() - start);
            }
        }
        for (byte[] b : newBodies) {
            p.bytes(b);
        }
        return p;
    }

    private ByteSink data(RuntimeModule.Section s, int addr, byte[] data) {
        ByteSource in = new ByteSource(rt.bytes, s.start());
        long n = in.uleb();
        ByteSink p = new ByteSink(s.end() - s.start() + data.length + 16);
        p.uleb(n + 1);
        p.bytes(rt.bytes, in.pos(), s.end() - in.pos());
        p.u8(0x00).u8(0x41).sleb(addr).u8(0x0b).uleb(data.length).bytes(data);
        return p;
    }
}
