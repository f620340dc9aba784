package dev.lanyard.server.keys;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.Map;

/** A signing key as the admin API shows it: public parts and lifecycle only, never private material. */
public record SigningKeyInfo(
        String kid,
        @JsonProperty("server_id") String serverId,
        String alg,
        String status,
        Instant created,
        @JsonProperty("retired_at") Instant retiredAt,
        @JsonProperty("published_until") Instant publishedUntil,
        boolean published,
        @JsonProperty("public_jwk") Map<String, Object> publicJwk) {}
