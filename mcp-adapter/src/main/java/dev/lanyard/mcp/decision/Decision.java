package dev.lanyard.mcp.decision;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The answer of {@code data.lanyard.mcp.decision}: allow or not, the reasons (for the audit trail, never for the
 * client), and every scope the tool requires — so a denial for missing scopes can become a step-up challenge.
 *
 * @param decisionId     the decision log id (the server's Data API), or null for in-process decisions
 * @param policyRevision the policy revision that decided, when known
 */
public record Decision(boolean allow, List<String> reasons, List<String> requiredScopes, String decisionId,
                       String policyRevision) {
    public Decision {
        reasons = List.copyOf(reasons);
        requiredScopes = List.copyOf(requiredScopes);
    }

    /** Fail closed: no decision could be obtained, so the call is refused and the audit trail says why. */
    public static Decision unavailable(String why) {
        return new Decision(false, List.of(why), List.of(), null, null);
    }

    /**
     * Reads a policy result. Anything but an object with a boolean {@code allow} true is a denial: an undefined or
     * malformed result must never let a call through.
     */
    public static Decision fromResult(JsonNode result, String decisionId, String revision) {
        if (result == null || !result.isObject()) {
            return new Decision(false, List.of("the policy gave no decision"), List.of(), decisionId, revision);
        }
        boolean allow = result.path("allow").isBoolean() && result.path("allow").booleanValue();
        return new Decision(allow, strings(result.path("reasons")), strings(result.path("required_scopes")), decisionId,
                revision);
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        if (array.isArray()) {
            array.forEach(n -> {
                if (n.isTextual()) {
                    out.add(n.textValue());
                }
            });
        }
        return out;
    }
}
