package dev.lanyard.server.connections;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * How the agent reaches the server: with an ID-JAG from a signed-in user (Cross App Access, jwt-bearer grant), or on
 * its own (client credentials with private_key_jwt).
 */
public enum ConnectionType {
    IDENTITY_ASSERTION, CLIENT_CREDENTIALS;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static ConnectionType fromWire(String s) {
        for (ConnectionType t : values()) {
            if (t.wire().equals(s)) {
                return t;
            }
        }
        throw new IllegalArgumentException("connection_type must be 'identity_assertion' or 'client_credentials'");
    }
}
