package dev.lanyard.policies.rego;

import java.util.List;

/**
 * One rule definition. {@code path} is the rule's ground path below the package ({@code p.q} → [p, q]); for
 * partial objects {@code key} is the last head segment after the first variable one; for partial sets it is the
 * element. {@code prefixKeys} are the head segments between the ground path and the key (OPA 1.x general refs,
 * {@code p[x].y := v}, {@code p[x] contains y}): the rule builds nested objects below its path.
 * {@code value} is null only for partial sets. {@code elseRule} continues the else chain.
 */
public record Rule(Pos pos, Kind kind, boolean isDefault, List<String> path, List<Term> args, Term key,
                   List<Term> prefixKeys, Term value, List<Expr> body, Rule elseRule) {
    public Rule {
        path = List.copyOf(path);
        args = List.copyOf(args);
        prefixKeys = List.copyOf(prefixKeys);
        body = List.copyOf(body);
    }

    public Rule(Pos pos, Kind kind, boolean isDefault, List<String> path, List<Term> args, Term key, Term value,
                List<Expr> body, Rule elseRule) {
        this(pos, kind, isDefault, path, args, key, List.of(), value, body, elseRule);
    }

    public enum Kind { COMPLETE, PARTIAL_SET, PARTIAL_OBJECT, FUNCTION }
}
