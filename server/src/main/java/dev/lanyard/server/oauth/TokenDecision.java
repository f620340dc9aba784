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
        String error) {

    public static TokenDecision allow(List<String> scopes, int ttlSeconds) {
        return new TokenDecision(true, List.copyOf(scopes), ttlSeconds, List.of(), Map.of(), null);
    }

    public static TokenDecision deny(String error, String reason) {
        return new TokenDecision(false, List.of(), 0, List.of(reason), Map.of(), error);
    }
}
