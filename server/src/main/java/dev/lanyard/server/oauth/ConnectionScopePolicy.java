package dev.lanyard.server.oauth;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The Java token policy: the agent must be ACTIVE with an ACTIVE owner, the connection ACTIVE; scopes are the
 * requested ones narrowed to what the connection allows on the resource (with nothing requested: the agent's default
 * scopes so narrowed); nothing left to grant is {@code invalid_scope}; the lifetime is capped by the agent's maximum
 * session and the server's token lifetime.
 */
public final class ConnectionScopePolicy implements TokenPolicy {
    private final int maxTtlSeconds;

    public ConnectionScopePolicy(int maxTtlSeconds) {
        this.maxTtlSeconds = maxTtlSeconds;
    }

    @Override
    public Future<TokenDecision> decide(TokenPolicyInput in) {
        return Future.succeededFuture(evaluate(in));
    }

    TokenDecision evaluate(TokenPolicyInput in) {
        if (!"ACTIVE".equals(in.agent().status())) {
            return TokenDecision.deny("access_denied", "agent is not active");
        }
        if (in.agent().owners().stream().noneMatch(o -> "ACTIVE".equals(o.status()))) {
            return TokenDecision.deny("access_denied", "agent has no active owner");
        }
        if (in.connection() == null || !"ACTIVE".equals(in.connection().status())) {
            return TokenDecision.deny("invalid_target", "no active connection of this agent allows this target");
        }
        Set<String> allowed = new LinkedHashSet<>(in.connection().scopes());
        List<String> wanted = in.requestedScopes().isEmpty() ? in.agent().defaultScopes() : in.requestedScopes();
        List<String> granted = new ArrayList<>();
        for (String s : wanted) {
            if (allowed.contains(s)) {
                granted.add(s);
            }
        }
        if (granted.isEmpty()) {
            return TokenDecision.deny("invalid_scope", in.requestedScopes().isEmpty()
                    ? "none of the agent's default scopes is allowed by its connection; request scopes explicitly"
                    : "none of the requested scopes is allowed by the agent's connection");
        }
        int ttl = Math.min(maxTtlSeconds, in.agent().maxSessionSeconds());
        if (in.session() != null && in.session().requestedTtl() != null) {
            ttl = Math.min(ttl, Math.max(1, in.session().requestedTtl()));
        }
        return TokenDecision.allow(granted, ttl);
    }
}
