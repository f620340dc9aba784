package dev.lanyard.server.oauth;

/**
 * A grant the token policy refused: the policy's OAuth error with its reasons as the description, and the decision id
 * so that the refusal's audit event points at its decision-log record.
 */
public final class PolicyDenied extends OAuthException {
    private final transient TokenDecision decision;

    public PolicyDenied(TokenDecision decision) {
        super(decision.oauthError(), decision.reasons().isEmpty() ? "the token policy denied this request"
                : String.join(" ", decision.reasons()));
        this.decision = decision;
    }

    public TokenDecision decision() {
        return decision;
    }
}
