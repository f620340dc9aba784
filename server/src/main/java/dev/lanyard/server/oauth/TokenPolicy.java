package dev.lanyard.server.oauth;

import io.vertx.core.Future;

/**
 * The one decision point of every grant: given everything about the request, allow (with the scopes and lifetime to
 * grant) or deny (with the OAuth error and reasons). Implemented in Java by {@link ConnectionScopePolicy} today; the
 * policy decision point backs it with Rego ({@code data.lanyard.token.decision}) later.
 */
public interface TokenPolicy {
    Future<TokenDecision> decide(TokenPolicyInput input);
}
