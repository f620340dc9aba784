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
    final int valueType;
    final int compare;
    final int valueGet;
    final int iter;
    final int length;
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

    Runtime(RuntimeModule rt) {
        abort = rt.function("opa_abort");
        runtimeError = rt.function("opa_runtime_error");
        malloc = rt.function("opa_malloc");
        mallocInit = rt.function("opa_malloc_init");
        mpdInit = rt.function("opa_mpd_init");
        valueType = rt.function("opa_value_type");
        compare = rt.function("opa_value_compare");
        valueGet = rt.function("opa_value_get");
        iter = rt.function("opa_value_iter");
        length = rt.function("opa_value_length");
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
    }

}
