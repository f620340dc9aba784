package dev.lanyard.server.admin;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Admin API roles: {@code admin} may do everything, {@code auditor} may only read. */
public enum Role {
    ADMIN, AUDITOR;

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
        throw new IllegalArgumentException("role must be 'admin' or 'auditor'");
    }

    public boolean mayWrite() {
        return this == ADMIN;
    }
}
