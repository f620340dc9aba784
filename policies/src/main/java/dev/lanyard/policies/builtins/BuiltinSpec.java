package dev.lanyard.policies.builtins;

/**
 * One builtin or operator the compiler supports.
 *
 * @param name  the Rego name as used in IR {@code CallStmt.func} ({@code plus}, {@code startswith}, {@code glob.match})
 * @param arity number of arguments (the result is not counted)
 * @param kind  how the planner uses it
 */
public record BuiltinSpec(String name, int arity, Kind kind) {
    public enum Kind {
        /** Infix operator in Rego source ({@code +}, {@code ==}, {@code &}, {@code in}); called by its OPA name. */
        OPERATOR,
        /** Ordinary function call {@code f(a, b)} returning one value. */
        FUNCTION,
        /**
         * Relation: Rego lets the last argument be an output that enumerates several values (only {@code walk}). The
         * builtin returns an array of {@code [path, value]} pairs; the planner scans it and unifies each pair.
         */
        RELATION
    }

    public BuiltinSpec {
        if (arity < 0 || arity > 4) {
            throw new IllegalArgumentException("arity must be 0..4 (host call limit): " + name);
        }
    }
}
