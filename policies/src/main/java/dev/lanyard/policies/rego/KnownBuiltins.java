package dev.lanyard.policies.rego;

import java.util.Set;

/**
 * Names of OPA builtins (and their namespaces) that exist in Rego but are outside Lanyard's catalog, so that a call
 * to one is reported as "unsupported" rather than "undefined function".
 */
final class KnownBuiltins {
    private static final Set<String> NAMESPACES = Set.of("array", "base64", "base64url", "bits", "crypto", "glob",
        "graph", "graphql", "hex", "http", "io", "json", "net", "numbers", "object", "opa", "providers", "rand", "regex",
        "rego", "semver", "strings", "time", "units", "urlquery", "uuid", "yaml", "internal");
    private static final Set<String> NAMES = Set.of("abs", "all", "any", "and", "assign", "cast_array", "cast_set",
        "ceil", "concat", "contains", "count", "div", "endswith", "eq", "equal", "floor", "format_int", "gt", "gte",
        "indexof", "indexof_n", "intersection", "is_array", "is_boolean", "is_null", "is_number", "is_object", "is_set",
        "is_string", "lower", "lt", "lte", "max", "min", "minus", "mul", "neq", "or", "plus", "print", "product", "rem",
        "replace", "round", "sort", "split", "sprintf", "startswith", "substring", "sum", "to_number", "trace", "trim",
        "trim_left", "trim_prefix", "trim_right", "trim_space", "trim_suffix", "type_name", "union", "upper", "walk",
        "re_match", "set_diff");

    private KnownBuiltins() {}

    static boolean isKnown(String name) {
        int dot = name.indexOf('.');
        return NAMES.contains(name) || (dot > 0 && NAMESPACES.contains(name.substring(0, dot)));
    }
}
