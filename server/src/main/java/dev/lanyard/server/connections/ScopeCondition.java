package dev.lanyard.server.connections;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Which of the target's scopes a connection allows (Okta's {@code scopeCondition}, spelt the same): all of them
 * ({@code scopes} is then {@code ["*"]}), only the listed ones, or all but the listed ones.
 */
public enum ScopeCondition {
    ALL_SCOPES, INCLUDE_ONLY, EXCLUDE;

    /**
     * Whether a connection with this condition and these {@code scopes} allows {@code scope} (a scope the target
     * defines; whether it does is the caller's check).
     */
    public boolean allows(java.util.List<String> scopes, String scope) {
        return switch (this) {
            case ALL_SCOPES -> true;
            case INCLUDE_ONLY -> scopes.contains(scope);
            case EXCLUDE -> !scopes.contains(scope);
        };
    }

    @JsonValue
    public String wire() {
        return name();
    }

    @JsonCreator
    public static ScopeCondition fromWire(String s) {
        for (ScopeCondition c : values()) {
            if (c.name().equals(s)) {
                return c;
            }
        }
        throw new IllegalArgumentException("scope_condition must be 'ALL_SCOPES', 'INCLUDE_ONLY' or 'EXCLUDE'");
    }
}
