package dev.lanyard.server.apps;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** How an app authenticates at the token endpoint (the RFC 7591 / OIDC {@code token_endpoint_auth_method} values). */
public enum AuthMethod {
    CLIENT_SECRET_BASIC("client_secret_basic"), PRIVATE_KEY_JWT("private_key_jwt"), NONE("none");

    private final String wire;

    AuthMethod(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    @JsonCreator
    public static AuthMethod fromWire(String s) {
        for (AuthMethod m : values()) {
            if (m.wire.equals(s)) {
                return m;
            }
        }
        throw new IllegalArgumentException(
                "token_endpoint_auth_method must be 'client_secret_basic', 'private_key_jwt' or 'none'");
    }
}
