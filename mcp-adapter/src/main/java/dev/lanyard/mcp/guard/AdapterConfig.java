package dev.lanyard.mcp.guard;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How one guarded MCP server is protected.
 *
 * @param resource               the canonical URI clients call and tokens must name in {@code aud}
 * @param issuer                 the resource authorization server ({@code {lanyard}/oauth2/{id}})
 * @param jwksUri                its key set, or null to take {@code jwks_uri} from its RFC 8414 metadata
 * @param scopesSupported        advertised in the protected resource metadata and the 401 challenge
 * @param lanyardUrl             the Lanyard server (Data API, audit ingest, kill-switch feed), or null
 * @param adapterToken           an admin token with role {@code adapter} for those endpoints (never logged)
 * @param localPolicy            a policy bundle ({@code .tar.gz}) or Rego directory to decide in process; null: the
 *                               server's Data API decides
 * @param stateDir               the audit spool and the kill-switch cursor live here
 * @param revocationMaxStaleness how long the kill-switch feed may be lost before calls are refused (fail closed)
 * @param maxTokenLifetime       the longest access-token lifetime of the issuer (revocations older than this are moot)
 */
public record AdapterConfig(String resource, String issuer, URI jwksUri, List<String> scopesSupported, String resourceName,
                            URI lanyardUrl, String adapterToken, Path localPolicy, Path stateDir,
                            Duration revocationMaxStaleness, Duration maxTokenLifetime, Duration clockSkew,
                            Duration decisionTimeout, Duration keyRefreshInterval) {
    public AdapterConfig {
        scopesSupported = List.copyOf(scopesSupported);
        if (localPolicy == null && (lanyardUrl == null || adapterToken == null)) {
            throw new IllegalArgumentException("decisions need either a local policy or the Lanyard server URL and an adapter token");
        }
        if (lanyardUrl != null && adapterToken != null && stateDir == null) {
            throw new IllegalArgumentException("a state directory is needed for the audit spool");
        }
    }

    /** The kill switch is followed whenever the server is known. */
    public boolean killSwitch() {
        return lanyardUrl != null && adapterToken != null;
    }

    public static Builder builder(String resource, String issuer) {
        return new Builder(resource, issuer);
    }

    /** Defaults: 30 s revocation staleness, 65 min token lifetime bound, 30 s skew, 2 s decision timeout. */
    public static final class Builder {
        private final String resource;
        private final String issuer;
        private URI jwksUri;
        private List<String> scopes = List.of();
        private String resourceName;
        private URI lanyardUrl;
        private String adapterToken;
        private Path localPolicy;
        private Path stateDir;
        private Duration staleness = Duration.ofSeconds(30);
        private Duration maxTokenLifetime = Duration.ofMinutes(65);
        private Duration skew = Duration.ofSeconds(30);
        private Duration decisionTimeout = Duration.ofSeconds(2);
        private Duration keyRefresh = Duration.ofSeconds(30);

        private Builder(String resource, String issuer) {
            this.resource = resource;
            this.issuer = issuer;
        }

        public Builder jwksUri(URI v) { jwksUri = v; return this; }
        public Builder scopesSupported(List<String> v) { scopes = v; return this; }
        public Builder resourceName(String v) { resourceName = v; return this; }
        public Builder lanyard(URI url, String token) { lanyardUrl = url; adapterToken = token; return this; }
        public Builder localPolicy(Path v) { localPolicy = v; return this; }
        public Builder stateDir(Path v) { stateDir = v; return this; }
        public Builder revocationMaxStaleness(Duration v) { staleness = v; return this; }
        public Builder maxTokenLifetime(Duration v) { maxTokenLifetime = v; return this; }
        public Builder clockSkew(Duration v) { skew = v; return this; }
        public Builder decisionTimeout(Duration v) { decisionTimeout = v; return this; }
        public Builder keyRefreshInterval(Duration v) { keyRefresh = v; return this; }

        public AdapterConfig build() {
            return new AdapterConfig(resource, issuer, jwksUri, scopes, resourceName, lanyardUrl, adapterToken, localPolicy,
                    stateDir, staleness, maxTokenLifetime, skew, decisionTimeout, keyRefresh);
        }
    }
}
