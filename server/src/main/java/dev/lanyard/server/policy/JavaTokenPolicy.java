package dev.lanyard.server.policy;

import dev.lanyard.server.http.Ids;
import dev.lanyard.server.http.Json;
import dev.lanyard.server.oauth.ConnectionScopePolicy;
import dev.lanyard.server.oauth.TokenDecision;
import dev.lanyard.server.oauth.TokenPolicy;
import dev.lanyard.server.oauth.TokenPolicyInput;
import io.vertx.core.Future;

/**
 * The built-in Java token rules ({@link ConnectionScopePolicy}) with decision logging, selected by
 * {@code LANYARD_TOKEN_POLICY=java}: the baseline the Rego policy is measured against, and a fallback for operators
 * who want no Rego in the token path. Its decisions are logged with revision {@code java}.
 */
public final class JavaTokenPolicy implements TokenPolicy {
    public static final String REVISION = "java";
    private final ConnectionScopePolicy rules;
    private final DecisionLog log;

    public JavaTokenPolicy(ConnectionScopePolicy rules, DecisionLog log) {
        this.rules = rules;
        this.log = log;
    }

    @Override
    public Future<TokenDecision> decide(TokenPolicyInput input) {
        if (log.overloaded()) {
            return Future.failedFuture(DecisionLog.grantRefused());
        }
        long start = System.nanoTime();
        return rules.decide(input).compose(d -> {
            TokenDecision decision = d.withDecisionId(Ids.sortable("dec"));
            return log.recordGrant(DecisionLog.Entry.token(decision.decisionId(), input,
                    Json.MAPPER.valueToTree(input), Json.MAPPER.valueToTree(decision), REVISION,
                    (System.nanoTime() - start) / 1_000)).map(decision);
        });
    }
}
