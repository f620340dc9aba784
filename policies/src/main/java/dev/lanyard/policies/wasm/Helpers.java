package dev.lanyard.policies.wasm;

/**
 * Small generated functions for operations the pruned runtime lacks (its own versions are stubbed out): membership,
 * shallow object copy for {@code with}, recursive object merge, and the builtins cheap enough to run in WASM
 * instead of paying a host round trip: {@code count}, {@code type_name}, set {@code & | -}, {@code startswith},
 * {@code endswith}, {@code object.get}, {@code sort}, {@code min}, {@code max}.
 */
final class Helpers {
    final int member2;
    final int member3;
    final int copyObject;
    final int objectChild;
    final int merge;
    final int typeName;
    final int count;
    final int and;
    final int or;
    final int minus;
    final int startswith;
    final int endswith;
    final int objectGet;
    final int sort;
    final int min;
    final int max;
    final int canonical;
    private final int bytesEqual;

    private final Runtime r;
    private final StaticData data;

    Helpers(ModuleLinker linker, Runtime r, StaticData data) {
        this.r = r;
        this.data = data;
        member2 = linker.declare(linker.type(2, 1));
        member3 = linker.declare(linker.type(3, 1));
        copyObject = linker.declare(linker.type(1, 1));
        objectChild = linker.declare(linker.type(2, 1));
        merge = linker.declare(linker.type(2, 1));
        typeName = linker.declare(linker.type(1, 1));
        count = linker.declare(linker.type(1, 1));
        and = linker.declare(linker.type(2, 1));
        or = linker.declare(linker.type(2, 1));
        minus = linker.declare(linker.type(2, 1));
        startswith = linker.declare(linker.type(2, 1));
        endswith = linker.declare(linker.type(2, 1));
        objectGet = linker.declare(linker.type(3, 1));
        bytesEqual = linker.declare(linker.type(3, 1));
        sort = linker.declare(linker.type(1, 1));
        min = linker.declare(linker.type(1, 1));
        max = linker.declare(linker.type(1, 1));
        canonical = linker.declare(linker.type(1, 1));
    }

    /** @param hostIds host builtin ids, for the cases these helpers hand to the host (e.g. count of a string) */
    void define(ModuleLinker linker, java.util.Map<String, Integer> hostIds) {
        int countHostId = hostIds.getOrDefault("count", -1);
        linker.define(and, setOp(false, true));
        linker.define(or, setOp(true, false));
        linker.define(minus, minus(hostIds.getOrDefault("minus", -1)));
        linker.define(startswith, affix(false));
        linker.define(endswith, affix(true));
        linker.define(objectGet, objectGet(hostIds.getOrDefault("object.get", -1)));
        linker.define(bytesEqual, bytesEqual());
        linker.define(sort, sort());
        linker.define(min, extreme(true));
        linker.define(max, extreme(false));
        linker.define(canonical, canonical());
        linker.define(member2, member2());
        linker.define(member3, member3());
        linker.define(copyObject, copyObject());
        linker.define(objectChild, objectChild());
        linker.define(merge, merge());
        linker.define(typeName, typeName());
        linker.define(count, count(countHostId));
    }

    private void returnIfZero(Code c, int local, int value) {
        c.localGet(local).i32Eqz().ifThen().i32Const(value).ret().end();
    }

    private void returnIfNotType(Code c, int local, int type, int value) {
        c.localGet(local).call(r.valueType).i32Const(type).i32Ne().ifThen().i32Const(value).ret().end();
    }

    // (x, coll) -> bool: x is an element of array/set coll or a value of object coll
    private byte[] member2() {
        Code c = new Code();
        int x = 0, coll = 1, k = 2;
        returnIfZero(c, coll, data.falseValue);
        c.localGet(coll).call(r.valueType).i32Const(Runtime.TYPE_SET).i32Eq().ifThen();
        c.i32Const(data.trueValue).i32Const(data.falseValue);
        c.localGet(coll).localGet(x).call(r.valueGet).i32Const(0).i32Ne().select().ret();
        c.end();
        c.block(false).loop(false);
        c.localGet(coll).localGet(k).call(r.iter).localTee(k).i32Eqz().brIf(1);
        c.localGet(coll).localGet(k).call(r.valueGet).localGet(x).call(r.compare).i32Eqz();
        c.ifThen().i32Const(data.trueValue).ret().end();
        c.br(0);
        c.end().end();
        c.i32Const(data.falseValue);
        return c.body(1);
    }

    // (k, v, coll) -> bool: coll[k] == v for arrays and objects
    private byte[] member3() {
        Code c = new Code();
        int k = 0, v = 1, coll = 2, t = 3, got = 4;
        returnIfZero(c, coll, data.falseValue);
        c.localGet(coll).call(r.valueType).localTee(t).i32Const(Runtime.TYPE_ARRAY).i32Ne();
        c.localGet(t).i32Const(Runtime.TYPE_OBJECT).i32Ne().i32And();
        c.ifThen().i32Const(data.falseValue).ret().end();
        c.localGet(coll).localGet(k).call(r.valueGet).localTee(got).i32Eqz();
        c.ifThen().i32Const(data.falseValue).ret().end();
        c.i32Const(data.trueValue).i32Const(data.falseValue);
        c.localGet(got).localGet(v).call(r.compare).i32Eqz().select();
        return c.body(2);
    }

    // (x) -> a new object with x's entries (empty when x is not an object)
    private byte[] copyObject() {
        Code c = new Code();
        int x = 0, out = 1, k = 2;
        c.call(r.object).localSet(out);
        c.localGet(x).i32Eqz().ifThen().localGet(out).ret().end();
        c.localGet(x).call(r.valueType).i32Const(Runtime.TYPE_OBJECT).i32Ne().ifThen().localGet(out).ret().end();
        c.block(false).loop(false);
        c.localGet(x).localGet(k).call(r.iter).localTee(k).i32Eqz().brIf(1);
        c.localGet(out).localGet(k).localGet(x).localGet(k).call(r.valueGet).call(r.objectInsert);
        c.br(0);
        c.end().end();
        c.localGet(out);
        return c.body(2);
    }

    // (x, key) -> x[key] when x is an object, else undefined
    private byte[] objectChild() {
        Code c = new Code();
        returnIfZero(c, 0, 0);
        returnIfNotType(c, 0, Runtime.TYPE_OBJECT, 0);
        c.localGet(0).localGet(1).call(r.valueGet);
        return c.body(0);
    }

    // (a, b) -> recursive merge of two objects (0 only if both are undefined)
    private byte[] merge() {
        Code c = new Code();
        int a = 0, b = 1, m = 2, k = 3, av = 4, bv = 5;
        c.localGet(a).i32Eqz().ifThen().localGet(b).ret().end();
        c.localGet(b).i32Eqz().ifThen().localGet(a).ret().end();
        // as in OPA's runtime: where the two are not both objects, the first (the base document) wins
        c.localGet(a).call(r.valueType).i32Const(Runtime.TYPE_OBJECT).i32Ne();
        c.localGet(b).call(r.valueType).i32Const(Runtime.TYPE_OBJECT).i32Ne().i32Or();
        c.ifThen().localGet(a).ret().end();
        c.call(r.object).localSet(m);
        c.block(false).loop(false);
        c.localGet(a).localGet(k).call(r.iter).localTee(k).i32Eqz().brIf(1);
        c.localGet(a).localGet(k).call(r.valueGet).localSet(av);
        c.localGet(b).localGet(k).call(r.valueGet).localTee(bv).ifThen();
        c.localGet(av).localGet(bv).call(merge).localTee(av).i32Eqz().ifThen().i32Const(0).ret().end();
        c.end();
        c.localGet(m).localGet(k).localGet(av).call(r.objectInsert);
        c.br(0);
        c.end().end();
        c.i32Const(0).localSet(k);
        c.block(false).loop(false);
        c.localGet(b).localGet(k).call(r.iter).localTee(k).i32Eqz().brIf(1);
        c.localGet(a).localGet(k).call(r.valueGet).i32Eqz().ifThen();
        c.localGet(m).localGet(k).localGet(b).localGet(k).call(r.valueGet).call(r.objectInsert);
        c.end();
        c.br(0);
        c.end().end();
        c.localGet(m);
        return c.body(4);
    }

    private byte[] typeName() {
        Code c = new Code();
        String[] names = {"null", "boolean", "number", "string", "array", "object", "set"};
        c.localGet(0).call(r.valueType).localSet(1);
        for (int i = 0; i < names.length; i++) {
            c.localGet(1).i32Const(i + 1).i32Eq().ifThen().i32Const(data.stringValue(names[i])).ret().end();
        }
        c.i32Const(0);
        return c.body(1);
    }

    private byte[] count(int hostId) {
        Code c = new Code();
        int x = 0, t = 1;
        c.localGet(x).call(r.valueType).localTee(t).i32Const(Runtime.TYPE_ARRAY).i32GeS();
        c.localGet(t).i32Const(Runtime.TYPE_SET).i32LeS().i32And().ifThen();
        c.localGet(x).call(r.length).i64ExtendI32U().call(r.numberInt).ret();
        c.end();
        if (hostId >= 0) {
            c.localGet(t).i32Const(Runtime.TYPE_STRING).i32Eq().ifThen();
            c.i32Const(hostId).i32Const(0).localGet(x).call(r.builtinN[1]).ret();
            c.end();
        }
        c.i32Const(0);
        return c.body(1);
    }

    private void bothSets(Code c, int a, int b) {
        c.localGet(a).call(r.valueType).i32Const(Runtime.TYPE_SET).i32Ne();
        c.localGet(b).call(r.valueType).i32Const(Runtime.TYPE_SET).i32Ne().i32Or();
    }

    /** Set union (addAllOfB) or intersection (keepIfInB); undefined unless both operands are sets. */
    private byte[] setOp(boolean addAllOfB, boolean keepIfInB) {
        Code c = new Code();
        int a = 0, b = 1, out = 2, k = 3;
        bothSets(c, a, b);
        c.ifThen().i32Const(0).ret().end();
        c.call(r.set).localSet(out);
        c.block(false).loop(false);
        c.localGet(a).localGet(k).call(r.iter).localTee(k).i32Eqz().brIf(1);
        if (keepIfInB) {
            c.localGet(b).localGet(k).call(r.valueGet).ifThen();
            c.localGet(out).localGet(k).call(r.setAdd);
            c.end();
        } else {
            c.localGet(out).localGet(k).call(r.setAdd);
        }
        c.br(0);
        c.end().end();
        if (addAllOfB) {
            c.i32Const(0).localSet(k);
            c.block(false).loop(false);
            c.localGet(b).localGet(k).call(r.iter).localTee(k).i32Eqz().brIf(1);
            c.localGet(out).localGet(k).call(r.setAdd);
            c.br(0);
            c.end().end();
        }
        c.localGet(out);
        return c.body(2);
    }

    /** Set difference inline; numbers (or anything else) go to the host's {@code minus}. */
    private byte[] minus(int hostId) {
        Code c = new Code();
        int a = 0, b = 1, out = 2, k = 3;
        bothSets(c, a, b);
        c.ifThen();
        if (hostId >= 0) {
            c.i32Const(hostId).i32Const(0).localGet(a).localGet(b).call(r.builtinN[2]).ret();
        } else {
            c.i32Const(0).ret();
        }
        c.end();
        c.call(r.set).localSet(out);
        c.block(false).loop(false);
        c.localGet(a).localGet(k).call(r.iter).localTee(k).i32Eqz().brIf(1);
        c.localGet(b).localGet(k).call(r.valueGet).i32Eqz().ifThen();
        c.localGet(out).localGet(k).call(r.setAdd);
        c.end();
        c.br(0);
        c.end().end();
        c.localGet(out);
        return c.body(2);
    }

    // (p, q, n) -> 1 when the n bytes at p and q are equal
    private byte[] bytesEqual() {
        Code c = new Code();
        int p = 0, q = 1, n = 2, i = 3;
        c.block(false).loop(false);
        c.localGet(i).localGet(n).i32GeS().brIf(1);
        c.localGet(p).localGet(i).i32Add().i32Load8U(0);
        c.localGet(q).localGet(i).i32Add().i32Load8U(0);
        c.i32Ne().ifThen().i32Const(0).ret().end();
        c.localGet(i).i32Const(1).i32Add().localSet(i);
        c.br(0);
        c.end().end();
        c.i32Const(1);
        return c.body(1);
    }

    /** startswith / endswith on UTF-8 bytes (strings: length at +4, bytes at +8); undefined for non-strings. */
    private byte[] affix(boolean suffix) {
        Code c = new Code();
        int s = 0, p = 1, ls = 2, lp = 3;
        c.localGet(s).call(r.valueType).i32Const(Runtime.TYPE_STRING).i32Ne();
        c.localGet(p).call(r.valueType).i32Const(Runtime.TYPE_STRING).i32Ne().i32Or();
        c.ifThen().i32Const(0).ret().end();
        c.localGet(s).i32Load(4).localSet(ls);
        c.localGet(p).i32Load(4).localSet(lp);
        c.localGet(lp).localGet(ls).i32GtU().ifThen().i32Const(data.falseValue).ret().end();
        c.i32Const(data.trueValue).i32Const(data.falseValue);
        c.localGet(s).i32Load(8);
        if (suffix) {
            c.localGet(ls).i32Add().localGet(lp).i32Sub();
        }
        c.localGet(p).i32Load(8).localGet(lp).call(bytesEqual).select();
        return c.body(2);
    }

    /** object.get(o, k, default) for a scalar/object key; array keys (paths) go to the host. */
    private byte[] objectGet(int hostId) {
        Code c = new Code();
        int o = 0, k = 1, d = 2, v = 3;
        returnIfNotType(c, o, Runtime.TYPE_OBJECT, 0);
        if (hostId >= 0) {
            c.localGet(k).call(r.valueType).i32Const(Runtime.TYPE_ARRAY).i32Eq().ifThen();
            c.i32Const(hostId).i32Const(0).localGet(o).localGet(k).localGet(d).call(r.builtinN[3]).ret();
            c.end();
        }
        c.localGet(o).localGet(k).call(r.valueGet).localTee(v).ifThen().localGet(v).ret().end();
        c.localGet(d);
        return c.body(1);
    }

    private void returnIfNotArrayOrSet(Code c, int x, int t) {
        c.localGet(x).call(r.valueType).localTee(t).i32Const(Runtime.TYPE_ARRAY).i32Ne();
        c.localGet(t).i32Const(Runtime.TYPE_SET).i32Ne().i32And();
        c.ifThen().i32Const(0).ret().end();
    }

    /**
     * sort(array|set): elements copied into a new array, then insertion-sorted in place in Rego's order by
     * swapping the value pointers of its (index, value) slots (elems at +4, length at +8).
     */
    private byte[] sort() {
        Code c = new Code();
        int x = 0, t = 1, out = 2, k = 3, elems = 4, n = 5, i = 6, j = 7, a = 8, b = 9;
        returnIfNotArrayOrSet(c, x, t);
        c.call(r.array).localSet(out);
        c.block(false).loop(false);
        c.localGet(x).localGet(k).call(r.iter).localTee(k).i32Eqz().brIf(1);
        c.localGet(out).localGet(x).localGet(k).call(r.valueGet).call(r.arrayAppend);
        c.br(0);
        c.end().end();
        c.localGet(out).i32Load(4).localSet(elems);
        c.localGet(out).i32Load(8).localSet(n);
        c.i32Const(1).localSet(i);
        c.block(false).loop(false);
        c.localGet(i).localGet(n).i32GeS().brIf(1);
        c.localGet(i).localSet(j);
        c.block(false).loop(false);
        c.localGet(j).i32Eqz().brIf(1);
        // a = &elems[j-1].v, b = &elems[j].v
        c.localGet(elems).localGet(j).i32Const(8).i32Mul().i32Add().i32Const(4).i32Add().localTee(b);
        c.i32Const(8).i32Sub().localSet(a);
        c.localGet(a).i32Load(0).localGet(b).i32Load(0).call(r.compare).i32Const(0).i32LeS().brIf(1);
        // swap, reusing t and k as temporaries
        c.localGet(a).i32Load(0).localSet(t);
        c.localGet(a).localGet(b).i32Load(0).i32Store(0);
        c.localGet(b).localGet(t).i32Store(0);
        c.localGet(j).i32Const(1).i32Sub().localSet(j);
        c.br(0);
        c.end().end();
        c.localGet(i).i32Const(1).i32Add().localSet(i);
        c.br(0);
        c.end().end();
        c.localGet(out);
        return c.body(9);
    }

    /** min/max over an array or set in Rego's order; undefined when empty. */
    private byte[] extreme(boolean min) {
        Code c = new Code();
        int x = 0, t = 1, best = 2, k = 3, v = 4;
        returnIfNotArrayOrSet(c, x, t);
        c.block(false).loop(false);
        c.localGet(x).localGet(k).call(r.iter).localTee(k).i32Eqz().brIf(1);
        c.localGet(x).localGet(k).call(r.valueGet).localSet(v);
        c.localGet(best).i32Eqz();
        c.localGet(v).localGet(best).call(r.compare).i32Const(0);
        if (min) {
            c.i32LtS();
        } else {
            c.i32GtS();
        }
        c.i32Or().ifThen().localGet(v).localSet(best).end();
        c.br(0);
        c.end().end();
        c.localGet(best);
        return c.body(4);
    }

    /**
     * A copy of a result value in which every set is an array of its elements in Rego's order. The runtime dumps
     * sets in hash-bucket order; results then come out in the same deterministic order as OPA's own evaluator
     * (and its REST API). JSON output is otherwise unchanged, since JSON renders sets as arrays anyway.
     */
    private byte[] canonical() {
        Code c = new Code();
        int v = 0, t = 1, src = 2, out = 3, k = 4;
        c.localGet(v).call(r.valueType).localSet(t);
        c.localGet(t).i32Const(Runtime.TYPE_OBJECT).i32Eq().ifThen();
        c.call(r.object).localSet(out);
        c.block(false).loop(false);
        c.localGet(v).localGet(k).call(r.iter).localTee(k).i32Eqz().brIf(1);
        c.localGet(out).localGet(k).localGet(v).localGet(k).call(r.valueGet).call(canonical).call(r.objectInsert);
        c.br(0);
        c.end().end();
        c.localGet(out).ret();
        c.end();
        c.localGet(t).i32Const(Runtime.TYPE_ARRAY).i32Ne().localGet(t).i32Const(Runtime.TYPE_SET).i32Ne().i32And();
        c.ifThen().localGet(v).ret().end();
        // arrays keep their order; sets are sorted on their original elements before those are converted
        c.localGet(v).localSet(src);
        c.localGet(t).i32Const(Runtime.TYPE_SET).i32Eq().ifThen().localGet(v).call(sort).localSet(src).end();
        c.call(r.array).localSet(out);
        c.block(false).loop(false);
        c.localGet(src).localGet(k).call(r.iter).localTee(k).i32Eqz().brIf(1);
        c.localGet(out).localGet(src).localGet(k).call(r.valueGet).call(canonical).call(r.arrayAppend);
        c.br(0);
        c.end().end();
        c.localGet(out);
        return c.body(4);
    }
}
