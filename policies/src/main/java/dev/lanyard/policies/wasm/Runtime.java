package dev.lanyard.policies.wasm;

/** Indices of the runtime functions generated code calls, resolved once by name from {@link RuntimeModule}. */
final class Runtime {
    static final int TYPE_NULL = 1;
    static final int TYPE_BOOLEAN = 2;
    static final int TYPE_NUMBER = 3;
    static final int TYPE_STRING = 4;
    static final int TYPE_ARRAY = 5;
    static final int TYPE_OBJECT = 6;
    static final int TYPE_SET = 7;

    final int abort;
    final int runtimeError;
    final int malloc;
    final int mallocInit;
    final int mpdInit;
    final int memoInit;
    final int memoGet;
    final int memoInsert;
    final int valueType;
    final int compare;
    final int valueGet;
    final int iter;
    final int length;
    final int objectGet;
    final int objectInsert;
    final int object;
    final int array;
    final int arrayAppend;
    final int set;
    final int setAdd;
    final int nul;
    final int numberInt;
    final int jsonParse;
    final int[] builtinN = new int[5];
    final int memoSlot;

    Runtime(RuntimeModule rt) {
        abort = rt.function("opa_abort");
        runtimeError = rt.function("opa_runtime_error");
        malloc = rt.function("opa_malloc");
        mallocInit = rt.function("opa_malloc_init");
        mpdInit = rt.function("opa_mpd_init");
        memoInit = rt.function("opa_memoize_init");
        memoGet = rt.function("opa_memoize_get");
        memoInsert = rt.function("opa_memoize_insert");
        valueType = rt.function("opa_value_type");
        compare = rt.function("opa_value_compare");
        valueGet = rt.function("opa_value_get");
        iter = rt.function("opa_value_iter");
        length = rt.function("opa_value_length");
        objectGet = rt.function("opa_object_get");
        objectInsert = rt.function("opa_object_insert");
        object = rt.function("opa_object");
        array = rt.function("opa_array");
        arrayAppend = rt.function("opa_array_append");
        set = rt.function("opa_set");
        setAdd = rt.function("opa_set_add");
        nul = rt.function("opa_null");
        numberInt = rt.function("opa_number_int");
        jsonParse = rt.function("opa_json_parse");
        for (int i = 0; i < 5; i++) {
            builtinN[i] = rt.function("opa_builtin" + i);
        }
        memoSlot = rt.memoSlot;
    }

    /** Pushes a new, empty memo frame (the runtime's own push is stubbed out; its frame layout is {prev, table}). */
    void memoPush(Code c, int tmp) {
        c.i32Const(8).call(malloc).localTee(tmp);
        c.i32Const(0).i32Load(memoSlot).i32Store(0);
        c.localGet(tmp).call(object).i32Store(4);
        c.i32Const(0).localGet(tmp).i32Store(memoSlot);
    }

    void memoPop(Code c) {
        c.i32Const(0);
        c.i32Const(0).i32Load(memoSlot).i32Load(0);
        c.i32Store(memoSlot);
    }
}
