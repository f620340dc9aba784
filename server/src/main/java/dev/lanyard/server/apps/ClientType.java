package dev.lanyard.server.apps;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** RFC 6749 §2.1 client types: a confidential client can keep a credential, a public one (a browser, a CLI) can't. */
public enum ClientType {
    CONFIDENTIAL, PUBLIC;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static ClientType fromWire(String s) {
        for (ClientType t : values()) {
            if (t.wire().equals(s)) {
                return t;
            }
        }
        throw new IllegalArgumentException("client_type must be 'confidential' or 'public'");
    }
}
