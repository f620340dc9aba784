package dev.lanyard.policies.wasm;

import java.util.ArrayList;
import java.util.List;

/**
 * Per-evaluation memoisation of rule results in static memory: one 8-byte slot per rule function holding
 * {epoch, value}, valid while its epoch equals the current one. Each evaluation and each {@code with} block gets a
 * fresh epoch, so results computed under a replaced input or data are never seen outside their block (and vice
 * versa) — the effect of OPA's memo push/pop, which the pruned runtime lacks, at two loads per lookup.
 */
final class Memo {
    private static final int WRAP_AT = 0x7fff0000;

    private final StaticData data;
    private final int counter;
    private final int current;
    private final List<Integer> slots = new ArrayList<>();

    Memo(StaticData data) {
        this.data = data;
        this.counter = data.word();
        this.current = data.word();
    }

    /** Allocates the slot of one memoised function; returns its address. */
    int slot() {
        int s = data.word();
        data.word();
        slots.add(s);
        return s;
    }

    /** Returns the cached value if the slot is current. */
    void lookup(Code c, int slot) {
        c.i32Const(0).i32Load(slot).i32Const(0).i32Load(current).i32Eq().ifThen();
        c.i32Const(0).i32Load(slot + 4).ret();
        c.end();
    }

    /** Caches the non-zero value in {@code local}. */
    void store(Code c, int slot, int local) {
        c.localGet(local).ifThen();
        c.i32Const(0).i32Const(0).i32Load(current).i32Store(slot);
        c.i32Const(0).localGet(local).i32Store(slot + 4);
        c.end();
    }

    /**
     * Inline per-evaluation caching of a computed value (e.g. {@code time.now_ns}, which OPA fixes for a whole
     * query): uses the slot if current, otherwise runs {@code compute} (which must leave the value in
     * {@code local}) and caches it.
     */
    void cached(Code c, int slot, int local, Runnable compute) {
        c.i32Const(0).i32Load(slot).i32Const(0).i32Load(current).i32Eq().ifThen();
        c.i32Const(0).i32Load(slot + 4).localSet(local);
        c.elseThen();
        compute.run();
        store(c, slot, local);
        c.end();
    }

    /** Starts a new epoch; after ~2^31 of them, clears every slot first so an old epoch can never match again. */
    void newEvaluation(Code c) {
        c.i32Const(0).i32Load(counter).i32Const(WRAP_AT).i32GeS().ifThen();
        for (int s : slots) {
            c.i32Const(0).i32Const(0).i32Store(s);
        }
        c.i32Const(0).i32Const(0).i32Store(counter);
        c.end();
        next(c);
    }

    void enterWith(Code c, int saveLocal) {
        c.i32Const(0).i32Load(current).localSet(saveLocal);
        next(c);
    }

    void exitWith(Code c, int saveLocal) {
        c.i32Const(0).localGet(saveLocal).i32Store(current);
    }

    private void next(Code c) {
        c.i32Const(0).i32Const(0).i32Load(counter).i32Const(1).i32Add().i32Store(counter);
        c.i32Const(0).i32Const(0).i32Load(counter).i32Store(current);
    }
}
