package dev.lanyard.server.agents;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** The owner's assessment of what the agent could break; policies may use it. */
public enum RiskLevel {
    LOW, MEDIUM, HIGH;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static RiskLevel fromWire(String s) {
        for (RiskLevel r : values()) {
            if (r.wire().equals(s)) {
                return r;
            }
        }
        throw new IllegalArgumentException("risk_level must be 'low', 'medium' or 'high'");
    }
}
