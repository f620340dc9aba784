package dev.lanyard.server.authservers;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/** An external IdP whose ID-JAGs an authorization server accepts, with the JWKS URI its signatures verify against. */
public record TrustedIssuer(
        String id,
        @JsonProperty("authorization_server_id") String serverId,
        String issuer,
        @JsonProperty("jwks_uri") String jwksUri,
        Instant created) {}
