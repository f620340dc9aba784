package dev.lanyard.mcp.guard;

import dev.lanyard.mcp.decision.Decision;
import dev.lanyard.mcp.token.VerifiedToken;
import java.util.List;

/**
 * What happens to one tools/call, given the policy's decision and the token: it proceeds; or it is refused with a
 * 403 {@code insufficient_scope} challenge when the missing piece is a scope the client can ask for (MCP step-up); or
 * it is refused with a tool error result otherwise.
 *
 * @param scopes for {@link Kind#INSUFFICIENT_SCOPE}: every scope the tool needs (MCP asks for all of them in one
 *               challenge, so the client does not step up one scope at a time)
 */
public record Verdict(Kind kind, Decision decision, List<String> scopes) {
    public enum Kind { ALLOW, INSUFFICIENT_SCOPE, DENY }

    public Verdict {
        scopes = List.copyOf(scopes);
    }

    public static Verdict of(Decision d, VerifiedToken token) {
        if (d.allow()) {
            return new Verdict(Kind.ALLOW, d, List.of());
        }
        if (!d.requiredScopes().isEmpty() && !token.missingScopes(d.requiredScopes()).isEmpty()) {
            return new Verdict(Kind.INSUFFICIENT_SCOPE, d, d.requiredScopes());
        }
        return new Verdict(Kind.DENY, d, List.of());
    }

    public boolean allowed() {
        return kind == Kind.ALLOW;
    }
}
