package dev.lanyard.server.authservers;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lanyard.server.http.Versioned;
import java.time.Instant;
import java.util.List;

/**
 * A resource authorization server: issues access tokens for the resources it governs, at issuer
 * {@code {base}/oauth2/{id}}, and accepts ID-JAGs from the org server and from the issuers it trusts.
 */
public record AuthServer(
        String id,
        @JsonIgnore long seq,
        String name,
        String description,
        String issuer,
        @JsonProperty("metadata_url") String metadataUrl,
        @JsonProperty("access_token_ttl_seconds") int accessTokenTtlSeconds,
        ServerStatus status,
        List<Resource> resources,
        @JsonProperty("trusted_issuers") List<TrustedIssuer> trustedIssuers,
        int version,
        Instant created,
        Instant updated,
        @JsonProperty("created_by") String createdBy) implements Versioned {

    AuthServer with(List<Resource> resources, List<TrustedIssuer> trustedIssuers) {
        return new AuthServer(id, seq, name, description, issuer, metadataUrl, accessTokenTtlSeconds, status, resources,
                trustedIssuers, version, created, updated, createdBy);
    }
}
