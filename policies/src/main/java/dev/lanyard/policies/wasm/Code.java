package dev.lanyard.policies.wasm;

import java.util.ArrayList;
import java.util.List;

/**
 * Instruction emitter for one function body. Tracks the open control frames so that "undefined" branches and IR
 * {@code BreakStmt}s can be resolved to relative label depths: frames opened for IR blocks are marked, helper frames
 * (if/else, conflict checks) are not.
 */
final class Code {
    private final ByteSink out = new ByteSink(512);
    private final List<Boolean> frames = new ArrayList<>();

    Code block(boolean ir) {
        out.u8(0x02).u8(0x40);
        frames.add(ir);
        return this;
    }

    Code loop(boolean ir) {
        out.u8(0x03).u8(0x40);
        frames.add(ir);
        return this;
    }

    /** {@code if} consuming an i32 condition; a helper frame. */
    Code ifThen() {
        out.u8(0x04).u8(0x40);
        frames.add(false);
        return this;
    }

    Code elseThen() {
        out.u8(0x05);
        return this;
    }

    Code end() {
        out.u8(0x0b);
        frames.remove(frames.size() - 1);
        return this;
    }

    Code br(int depth) {
        out.u8(0x0c).uleb(depth);
        return this;
    }

    Code brIf(int depth) {
        out.u8(0x0d).uleb(depth);
        return this;
    }

    /** Relative depth of the {@code n}-th enclosing IR frame (0 = innermost). */
    int irDepth(int n) {
        int seen = 0;
        for (int i = frames.size() - 1; i >= 0; i--) {
            if (frames.get(i)) {
                if (seen == n) {
                    return frames.size() - 1 - i;
                }
                seen++;
            }
        }
        throw new WasmCompileException("break out of " + (n + 1) + " blocks, but only " + seen + " are open");
    }

    /** Leaves the innermost IR block if the i32 on the stack is non-zero. */
    Code brIfUndefined() {
        return brIf(irDepth(0));
    }

    Code brUndefined() {
        return br(irDepth(0));
    }

    Code localGet(int i) {
        out.u8(0x20).uleb(i);
        return this;
    }

    Code localSet(int i) {
        out.u8(0x21).uleb(i);
        return this;
    }

    Code localTee(int i) {
        out.u8(0x22).uleb(i);
        return this;
    }

    Code call(int f) {
        out.u8(0x10).uleb(f);
        return this;
    }

    Code ret() {
        out.u8(0x0f);
        return this;
    }

    Code unreachable() {
        out.u8(0x00);
        return this;
    }

    Code drop() {
        out.u8(0x1a);
        return this;
    }

    Code select() {
        out.u8(0x1b);
        return this;
    }

    Code i32Const(int v) {
        out.u8(0x41).sleb(v);
        return this;
    }

    Code i64Const(long v) {
        out.u8(0x42).sleb(v);
        return this;
    }

    Code i32Eqz() {
        out.u8(0x45);
        return this;
    }

    Code i32Eq() {
        out.u8(0x46);
        return this;
    }

    Code i32Ne() {
        out.u8(0x47);
        return this;
    }

    Code i32LtS() {
        out.u8(0x48);
        return this;
    }

    Code i32GtS() {
        out.u8(0x4a);
        return this;
    }

    Code i32LeS() {
        out.u8(0x4c);
        return this;
    }

    Code i32GeS() {
        out.u8(0x4e);
        return this;
    }

    Code i32Add() {
        out.u8(0x6a);
        return this;
    }

    Code i32Mul() {
        out.u8(0x6c);
        return this;
    }

    Code i32Sub() {
        out.u8(0x6b);
        return this;
    }

    Code i32LtU() {
        out.u8(0x49);
        return this;
    }

    Code i32GtU() {
        out.u8(0x4b);
        return this;
    }

    Code i32Load8U(int offset) {
        out.u8(0x2d).uleb(0).uleb(offset);
        return this;
    }

    Code i32And() {
        out.u8(0x71);
        return this;
    }

    Code i32Or() {
        out.u8(0x72);
        return this;
    }

    Code i32Load(int offset) {
        out.u8(0x28).uleb(2).uleb(offset);
        return this;
    }

    Code i32Store(int offset) {
        out.u8(0x36).uleb(2).uleb(offset);
        return this;
    }

    Code i64ExtendI32U() {
        out.u8(0xad);
        return this;
    }

    int openFrames() {
        return frames.size();
    }

    /** Encodes the function body: local declarations (all i32) followed by the code and the final {@code end}. */
    byte[] body(int extraI32Locals) {
        if (!frames.isEmpty()) {
            throw new IllegalStateException("unbalanced control frames: " + frames.size());
        }
        ByteSink f = new ByteSink(out.size() + 16);
        if (extraI32Locals > 0) {
            f.uleb(1).uleb(extraI32Locals).u8(0x7f);
        } else {
            f.uleb(0);
        }
        f.bytes(out.toByteArray());
        f.u8(0x0b);
        return new ByteSink(f.size() + 5).sized(f).toByteArray();
    }
}
