package dev.lanyard.server.oauth;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * A token decision, shaped as the result of {@code data.lanyard.token.decision}. When denied, {@code error} is the
 * OAuth error to answer ({@code access_denied}, {@code invalid_scope} or {@code invalid_target}).
 */
public record TokenDecision(
        boolean allow,
        List<String> scopes,
        @JsonProperty("ttl_seconds") int ttlSeconds,
        List<String> reasons,
        Map<String, Object> obligations,
        String error,
        @JsonProperty("decision_id") String decisionId) {

    public TokenDecision(boolean allow, List<String> scopes, int ttlSeconds, List<String> reasons,
                         Map<String, Object> obligations, String error) {
        this(allow, scopes, ttlSeconds, reasons, obligations, error, null);
    }

    public TokenDecision withDecisionId(String id) {
        return new TokenDecision(allow, scopes, ttlSeconds, reasons, obligations, error, id);
    }

    /** The OAuth error of a denial: the policy's, or {@code access_denied}. */
    public String oauthError() {
        return error == null ? "access_denied" : error;
    }

    public static TokenDecision allow(List<String> scopes, int ttlSeconds) {
        return new TokenDecision(true, List.copyOf(scopes), ttlSeconds, List.of(), Map.of(), null);
    }

    public static TokenDecision deny(String error, String reason) {
        return new TokenDecision(false, List.of(), 0, List.of(reason), Map.of(), error);
    }
}
