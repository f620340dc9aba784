package dev.lanyard.server.policy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanyard.server.http.Json;
import dev.lanyard.server.oauth.TokenDecision;
import dev.lanyard.server.oauth.TokenPolicy;
import dev.lanyard.server.oauth.TokenPolicyInput;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The token policy backed by {@code data.lanyard.token.decision}. The result is read defensively: anything that is not
 * a well-formed allow — undefined, malformed, no scopes, no lifetime — is a denial, and an allow can never grant a
 * scope the agent's connection does not allow, whatever the Rego says. Every decision goes to the decision log.
 */
public final class RegoTokenPolicy implements TokenPolicy {
    private static final Logger LOG = LoggerFactory.getLogger(RegoTokenPolicy.class);
    private static final Set<String> ERRORS = Set.of("access_denied", "invalid_scope", "invalid_target");

    private final PolicyDecisionPoint pdp;
    private final DecisionLog log;

    public RegoTokenPolicy(PolicyDecisionPoint pdp, DecisionLog log) {
        this.pdp = pdp;
        this.log = log;
    }

    @Override
    public Future<TokenDecision> decide(TokenPolicyInput input) {
        if (log.overloaded()) {
            return Future.failedFuture(DecisionLog.grantRefused());
        }
        JsonNode inputTree = Json.MAPPER.valueToTree(input);
        return pdp.evaluate(PolicyDecisionPoint.TOKEN_DECISION, inputTree).compose(ev -> log.recordGrant(
                DecisionLog.Entry.token(ev.decisionId(), input, inputTree, ev.result(), ev.revision(), ev.micros()))
                .map(v -> read(ev.result(), input).withDecisionId(ev.decisionId())));
    }

    static TokenDecision read(JsonNode r, TokenPolicyInput input) {
        if (r == null || !r.isObject() || !r.path("allow").isBoolean()) {
            LOG.error("data.lanyard.token.decision gave no well-formed result (allow must be a boolean); denying");
            return TokenDecision.deny("access_denied", "the token policy gave no decision");
        }
        List<String> reasons = strings(r.get("reasons"));
        Map<String, Object> obligations = r.path("obligations").isObject()
                ? Json.MAPPER.convertValue(r.get("obligations"), LinkedHashMap.class) : Map.of();
        if (!r.get("allow").booleanValue()) {
            String error = r.path("error").asText("access_denied");
            return new TokenDecision(false, List.of(), 0, reasons, obligations,
                    ERRORS.contains(error) ? error : "access_denied");
        }
        List<String> scopes = strings(r.get("scopes"));
        Set<String> allowed = input.connection() == null ? Set.of() : Set.copyOf(input.connection().scopes());
        List<String> beyond = new ArrayList<>(scopes);
        beyond.removeAll(allowed);
        if (!beyond.isEmpty()) {
            LOG.error("data.lanyard.token.decision granted scopes outside the agent's connection {}; denying", beyond);
            return TokenDecision.deny("invalid_scope", "the token policy granted scopes the connection does not allow");
        }
        if (scopes.isEmpty()) {
            return TokenDecision.deny("invalid_scope", "no scope to grant");
        }
        int ttl = r.path("ttl_seconds").isIntegralNumber() ? r.get("ttl_seconds").intValue() : 0;
        if (ttl < 1) {
            LOG.error("data.lanyard.token.decision allowed without a positive ttl_seconds; denying");
            return TokenDecision.deny("access_denied", "the token policy gave no token lifetime");
        }
        return new TokenDecision(true, scopes, ttl, reasons, obligations, null);
    }

    private static List<String> strings(JsonNode n) {
        List<String> out = new ArrayList<>();
        if (n != null && n.isArray()) {
            n.forEach(v -> out.add(v.isTextual() ? v.textValue() : v.toString()));
        }
        return out;
    }
}
