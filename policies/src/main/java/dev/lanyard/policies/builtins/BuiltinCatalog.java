package dev.lanyard.policies.builtins;

import dev.lanyard.policies.builtins.BuiltinSpec.Kind;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The builtins and operators Lanyard's Rego compiler supports, by Rego name and arity. The planner rejects calls to
 * anything not listed here (a compile error, never a silently different answer); the backend decides per entry
 * whether it is lowered to inline WASM or called on the host through {@code opa_builtinN}.
 */
public final class BuiltinCatalog {
    private static final BuiltinCatalog STANDARD = new BuiltinCatalog(build());

    private final Map<String, BuiltinSpec> byName;

    private BuiltinCatalog(Map<String, BuiltinSpec> byName) {
        this.byName = Map.copyOf(byName);
    }

    public static BuiltinCatalog standard() {
        return STANDARD;
    }

    public Optional<BuiltinSpec> lookup(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    public boolean contains(String name) {
        return byName.containsKey(name);
    }

    /** Arity of {@code name}, or -1 when unsupported. */
    public int arity(String name) {
        BuiltinSpec spec = byName.get(name);
        return spec == null ? -1 : spec.arity();
    }

    public Collection<BuiltinSpec> all() {
        return byName.values();
    }

    private static Map<String, BuiltinSpec> build() {
        Map<String, BuiltinSpec> m = new LinkedHashMap<>();
        // operators (OPA names): arithmetic, comparison, set ops, membership
        for (String op : new String[] {"plus", "minus", "mul", "div", "rem", "equal", "neq", "lt", "lte", "gt", "gte",
                "and", "or", "internal.member_2"}) {
            put(m, op, 2, Kind.OPERATOR);
        }
        put(m, "internal.member_3", 3, Kind.OPERATOR);
        // numbers and aggregates
        fn(m, 1, "count", "sum", "product", "max", "min", "sort", "abs", "round", "ceil", "floor",
                "union", "intersection", "to_number");
        fn(m, 2, "format_int", "numbers.range");
        // arrays and objects
        fn(m, 2, "array.concat", "object.union", "object.remove");
        fn(m, 3, "array.slice", "object.get");
        fn(m, 1, "object.keys", "array.reverse");
        // strings
        fn(m, 2, "concat", "contains", "startswith", "endswith", "split", "sprintf", "indexof", "trim", "trim_left",
                "trim_right", "trim_prefix", "trim_suffix");
        fn(m, 3, "replace", "substring");
        fn(m, 1, "lower", "upper", "trim_space", "strings.reverse");
        // types
        fn(m, 1, "is_string", "is_number", "is_boolean", "is_array", "is_set", "is_object", "is_null", "type_name");
        // matching, network, time, encoding, tokens, units
        fn(m, 3, "glob.match");
        fn(m, 2, "regex.match", "net.cidr_contains");
        fn(m, 0, "time.now_ns");
        fn(m, 1, "time.parse_rfc3339_ns", "json.marshal", "json.unmarshal", "json.is_valid", "base64.encode",
                "base64.decode", "base64url.encode", "base64url.decode", "io.jwt.decode", "units.parse",
                "units.parse_bytes");
        put(m, "walk", 1, Kind.RELATION);
        return m;
    }

    private static void fn(Map<String, BuiltinSpec> m, int arity, String... names) {
        for (String n : names) {
            put(m, n, arity, Kind.FUNCTION);
        }
    }

    private static void put(Map<String, BuiltinSpec> m, String name, int arity, Kind kind) {
        if (m.put(name, new BuiltinSpec(name, arity, kind)) != null) {
            throw new IllegalStateException("duplicate builtin " + name);
        }
    }
}
