package dev.lanyard.server.agents;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** How an agent acts: on its own, for a signed-in user, or on a schedule. */
public enum AgentType {
    AUTONOMOUS, USER_DELEGATED, SCHEDULED;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static AgentType fromWire(String s) {
        for (AgentType t : values()) {
            if (t.wire().equals(s)) {
                return t;
            }
        }
        throw new IllegalArgumentException("agent_type must be 'autonomous', 'user_delegated' or 'scheduled'");
    }
}
