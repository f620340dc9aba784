package dev.lanyard.policies.rego;

import java.util.List;

/**
 * One rule definition. {@code path} is the rule's ground path below the package ({@code p.q} → [p, q]); for
 * partial objects {@code key} is the last, non-ground head segment; for partial sets it is the element.
 * {@code value} is null only for partial sets. {@code elseRule} continues the else chain.
 */
public record Rule(Pos pos, Kind kind, boolean isDefault, List<String> path, List<Term> args, Term key, Term value,
                   List<Expr> body, Rule elseRule) {
    public Rule {
        path = List.copyOf(path);
        args = List.copyOf(args);
        body = List.copyOf(body);
    }

    public enum Kind { COMPLETE, PARTIAL_SET, PARTIAL_OBJECT, FUNCTION }
}
