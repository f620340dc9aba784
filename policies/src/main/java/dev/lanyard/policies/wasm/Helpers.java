package dev.lanyard.policies.wasm;

/**
 * Small generated functions for operations the pruned runtime lacks (its own versions are stubbed out): membership,
 * shallow object copy for {@code with}, recursive object merge, {@code type_name}, {@code count}.
 */
final class Helpers {
    final int member2;
    final int member3;
    final int copyObject;
    final int objectChild;
    final int merge;
    final int typeName;
    final int count;

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
    }

    /** @param countHostId host builtin id used for {@code count} on strings (rune count), or -1 */
    void define(ModuleLinker linker, int countHostId) {
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

    // (a, b) -> recursive merge of two objects; 0 on conflict (a shared key whose values are not both objects)
    private byte[] merge() {
        Code c = new Code();
        int a = 0, b = 1, m = 2, k = 3, av = 4, bv = 5;
        c.localGet(a).i32Eqz().ifThen().localGet(b).ret().end();
        c.localGet(b).i32Eqz().ifThen().localGet(a).ret().end();
        returnIfNotType(c, a, Runtime.TYPE_OBJECT, 0);
        returnIfNotType(c, b, Runtime.TYPE_OBJECT, 0);
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
}
