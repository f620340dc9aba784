package dev.lanyard.server.admin;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * Admin API roles: {@code admin} may do everything, {@code auditor} may only read, {@code adapter} (an MCP adapter's
 * credential) may only do what an adapter needs: read the revocation feed, ask for decisions, send tool-call records.
 */
public enum Role {
    ADMIN, AUDITOR, ADAPTER;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Role fromWire(String s) {
        for (Role r : values()) {
            if (r.wire().equals(s)) {
                return r;
            }
        }
        throw new IllegalArgumentException("role must be 'admin', 'auditor' or 'adapter'");
    }

    public boolean mayWrite() {
        return this == ADMIN;
    }
}
