package dev.lanyard.policies.wasm;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The OPA runtime shipped inside opa-java-wasm ({@code demo-policy.wasm}), read from the classpath and analysed
 * once: raw sections for re-encoding, runtime function indices by name (name section and exports), function
 * signatures, and the heap base passed to {@code opa_malloc_init}. Only the few sections the linker needs are
 * decoded, which keeps the first compile in a fresh JVM fast (a full decode of the 139 KB module is not). Immutable.
 */
final class RuntimeModule {
    static final String RESOURCE = "/demo-policy.wasm";

    /** Runtime functions the generated code calls; checked at load time so a different runtime fails fast. */
    static final List<String> REQUIRED = List.of("opa_abort", "opa_runtime_error", "opa_malloc", "opa_malloc_init",
            "opa_mpd_init", "opa_value_type", "opa_value_compare", "opa_value_get", "opa_value_iter",
            "opa_value_length", "opa_object_insert", "opa_object", "opa_array", "opa_array_append", "opa_set",
            "opa_set_add", "opa_null", "opa_number_int", "opa_json_parse", "eval", "builtins", "entrypoints",
            "_initialize", "opa_builtin0", "opa_builtin1", "opa_builtin2", "opa_builtin3", "opa_builtin4");

    private static volatile RuntimeModule instance;

    final byte[] bytes;
    /** Raw sections in file order: id and payload range. */
    final List<Section> sections;
    final Map<String, Integer> functions;
    /** Signatures of the runtime's types: number of params and results, and whether all are i32. */
    final List<Signature> types;
    final int importedFunctions;
    final int totalFunctions;
    final int heapBase;

    record Section(int id, int start, int end) {}

    record Signature(int params, int results, boolean allI32) {}

    private RuntimeModule(byte[] bytes) {
        this.bytes = bytes;
        this.sections = splitSections(bytes);
        this.types = readTypes();
        Map<String, Integer> names = new HashMap<>();
        this.importedFunctions = readImports(names);
        this.totalFunctions = importedFunctions + count(3);
        readExports(names);
        readNames(names);
        this.functions = Map.copyOf(names);
        for (String r : REQUIRED) {
            if (!functions.containsKey(r)) {
                throw new IllegalStateException("OPA runtime lacks function " + r);
            }
        }
        this.heapBase = firstI32Const(function("_initialize"));
    }

    static RuntimeModule get() {
        RuntimeModule r = instance;
        if (r == null) {
            synchronized (RuntimeModule.class) {
                r = instance;
                if (r == null) {
                    instance = r = new RuntimeModule(load());
                }
            }
        }
        return r;
    }

    /** The unmodified runtime module bytes (e.g. for tests that evaluate OPA's own demo policy). */
    static byte[] load() {
        try (InputStream in = RuntimeModule.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " not on the classpath (opa-java-wasm missing?)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + RESOURCE, e);
        }
    }

    int function(String name) {
        Integer i = functions.get(name);
        if (i == null) {
            throw new WasmCompileException("OPA runtime lacks function " + name);
        }
        return i;
    }

    Section section(int id) {
        for (Section s : sections) {
            if (s.id == id) {
                return s;
            }
        }
        return null;
    }

    /** Index of an existing type {@code (i32 x params) -> (i32 x results)}, or -1. */
    int findType(int params, int results) {
        for (int i = 0; i < types.size(); i++) {
            Signature t = types.get(i);
            if (t.params() == params && t.results() == results && t.allI32()) {
                return i;
            }
        }
        return -1;
    }

    private static List<Section> splitSections(byte[] b) {
        if (b.length < 8 || b[0] != 0 || b[1] != 'a' || b[2] != 's' || b[3] != 'm') {
            throw new IllegalStateException("not a WASM module");
        }
        List<Section> out = new ArrayList<>();
        ByteSource src = new ByteSource(b, 8);
        while (src.hasMore(b.length)) {
            int id = src.u8();
            int size = (int) src.uleb();
            out.add(new Section(id, src.pos(), src.pos() + size));
            src.skip(size);
        }
        return List.copyOf(out);
    }

    private int count(int sectionId) {
        Section s = section(sectionId);
        return s == null ? 0 : (int) new ByteSource(bytes, s.start()).uleb();
    }

    private List<Signature> readTypes() {
        List<Signature> out = new ArrayList<>();
        Section s = section(1);
        ByteSource in = new ByteSource(bytes, s.start());
        long n = in.uleb();
        for (long i = 0; i < n; i++) {
            if (in.u8() != 0x60) {
                throw new IllegalStateException("unexpected type form");
            }
            boolean allI32 = true;
            int params = (int) in.uleb();
            for (int j = 0; j < params; j++) {
                allI32 &= in.u8() == 0x7f;
            }
            int results = (int) in.uleb();
            for (int j = 0; j < results; j++) {
                allI32 &= in.u8() == 0x7f;
            }
            out.add(new Signature(params, results, allI32));
        }
        return List.copyOf(out);
    }

    /** Counts imported functions and records their field names. */
    private int readImports(Map<String, Integer> names) {
        Section s = section(2);
        if (s == null) {
            return 0;
        }
        ByteSource in = new ByteSource(bytes, s.start());
        long n = in.uleb();
        int funcs = 0;
        for (long i = 0; i < n; i++) {
            in.name();
            String field = in.name();
            int kind = in.u8();
            switch (kind) {
                case 0 -> {
                    in.uleb();
                    names.putIfAbsent(field, funcs++);
                }
                case 1 -> {
                    in.u8();
                    skipLimits(in);
                }
                case 2 -> skipLimits(in);
                case 3 -> {
                    in.u8();
                    in.u8();
                }
                default -> throw new IllegalStateException("unknown import kind " + kind);
            }
        }
        return funcs;
    }

    private static void skipLimits(ByteSource in) {
        int flag = in.u8();
        in.uleb();
        if ((flag & 1) != 0) {
            in.uleb();
        }
    }

    private void readExports(Map<String, Integer> names) {
        Section s = section(7);
        ByteSource in = new ByteSource(bytes, s.start());
        long n = in.uleb();
        for (long i = 0; i < n; i++) {
            String name = in.name();
            int kind = in.u8();
            long index = in.uleb();
            if (kind == 0) {
                names.put(name, (int) index);
            }
        }
    }

    /** Function names from the "name" custom section (subsection 1); exports take precedence. */
    private void readNames(Map<String, Integer> names) {
        for (Section s : sections) {
            if (s.id() != 0) {
                continue;
            }
            ByteSource in = new ByteSource(bytes, s.start());
            if (!in.name().equals("name")) {
                continue;
            }
            while (in.hasMore(s.end())) {
                int sub = in.u8();
                int size = (int) in.uleb();
                int end = in.pos() + size;
                if (sub == 1) {
                    long n = in.uleb();
                    for (long i = 0; i < n; i++) {
                        int idx = (int) in.uleb();
                        names.putIfAbsent(in.name(), idx);
                    }
                }
                in.skip(end - in.pos());
            }
        }
    }

    /** The first {@code i32.const} operand in the body of function {@code func} (the heap base in _initialize). */
    private int firstI32Const(int func) {
        Section s = section(10);
        ByteSource in = new ByteSource(bytes, s.start());
        long n = in.uleb();
        int target = func - importedFunctions;
        for (int i = 0; i < n; i++) {
            int size = (int) in.uleb();
            if (i != target) {
                in.skip(size);
                continue;
            }
            long groups = in.uleb();
            for (long g = 0; g < groups; g++) {
                in.uleb();
                in.u8();
            }
            if (in.u8() != 0x41) {
                break;
            }
            return (int) in.sleb();
        }
        throw new IllegalStateException("cannot find the heap base in _initialize");
    }
}
