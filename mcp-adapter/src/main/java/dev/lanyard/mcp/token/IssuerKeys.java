package dev.lanyard.mcp.token;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import dev.lanyard.mcp.http.HttpFetcher;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The signing keys of one issuer, kept in memory: fetched from the {@code jwks_uri} of the issuer's RFC 8414 metadata
 * on first use, fetched again when they are older than {@code maxAge}, and when a token names a key we do not know
 * (the issuer rotated) — but no more often than {@code minRefreshInterval}, so tokens with made-up key ids cannot turn
 * the adapter into a load generator against the authorization server.
 *
 * <p>The key set is an immutable snapshot swapped atomically; readers never lock. Concurrent refreshes share one fetch.
 */
public final class IssuerKeys {
    private static final Logger LOG = LoggerFactory.getLogger(IssuerKeys.class);

    private final String issuer;
    private final URI configuredJwksUri;
    private final HttpFetcher fetcher;
    private final long minRefreshNanos;
    private final long maxAgeNanos;
    private final LongSupplier nanoClock;

    private volatile Snapshot current;
    private volatile long lastAttemptNanos;
    private volatile boolean attempted;
    private CompletableFuture<Snapshot> inFlight;

    private record Snapshot(JWKSet keys, long fetchedNanos) {}

    /**
     * @param jwksUri the key set's URL, or null to discover it from the issuer's metadata
     */
    public IssuerKeys(String issuer, URI jwksUri, HttpFetcher fetcher, Duration minRefreshInterval, Duration maxAge,
                      LongSupplier nanoClock) {
        this.issuer = issuer;
        this.configuredJwksUri = jwksUri;
        this.fetcher = fetcher;
        this.minRefreshNanos = minRefreshInterval.toNanos();
        this.maxAgeNanos = maxAge.toNanos();
        this.nanoClock = nanoClock;
    }

    public IssuerKeys(String issuer, URI jwksUri, HttpFetcher fetcher) {
        this(issuer, jwksUri, fetcher, Duration.ofSeconds(30), Duration.ofMinutes(5), System::nanoTime);
    }

    /** The key with {@code kid}, fetching the key set first if we have none yet; null when the issuer has no such key. */
    public CompletionStage<JWK> key(String kid) {
        Snapshot s = current;
        if (s == null) {
            return fetch().thenApply(fresh -> find(fresh, kid));
        }
        if (nanoClock.getAsLong() - s.fetchedNanos > maxAgeNanos && refreshAllowed()) {
            // stale: answer from what we have, renew in the background
            fetch();
        }
        JWK known = find(s, kid);
        if (known != null || !refreshAllowed()) {
            return CompletableFuture.completedFuture(known);
        }
        return fetch().thenApply(fresh -> find(fresh, kid));
    }

    /** The current key set (fetching it if needed), for tokens without a {@code kid}. */
    public CompletionStage<JWKSet> keys() {
        Snapshot s = current;
        return s != null ? CompletableFuture.completedFuture(s.keys) : fetch().thenApply(Snapshot::keys);
    }

    private boolean refreshAllowed() {
        return !attempted || nanoClock.getAsLong() - lastAttemptNanos >= minRefreshNanos;
    }

    private static JWK find(Snapshot s, String kid) {
        return kid == null ? null : s.keys.getKeyByKeyId(kid);
    }

    private synchronized CompletableFuture<Snapshot> fetch() {
        if (inFlight != null) {
            return inFlight;
        }
        attempted = true;
        lastAttemptNanos = nanoClock.getAsLong();
        CompletionStage<URI> uri = configuredJwksUri != null
                ? CompletableFuture.completedFuture(configuredJwksUri)
                : AuthorizationServerMetadata.discover(issuer, fetcher).thenApply(AuthorizationServerMetadata::jwksUri);
        CompletableFuture<Snapshot> f = uri.thenCompose(fetcher::get).thenApply(r -> {
            if (r.status() != 200) {
                throw new IllegalStateException("JWKS of " + issuer + " answered " + r.status());
            }
            try {
                JWKSet set = JWKSet.parse(new String(r.body(), StandardCharsets.UTF_8));
                // only public keys are meant to be here; a private member would mean a misconfigured issuer
                return new Snapshot(set.toPublicJWKSet(), nanoClock.getAsLong());
            } catch (java.text.ParseException e) {
                throw new IllegalStateException("JWKS of " + issuer + " is not a JWK set");
            }
        }).toCompletableFuture();
        inFlight = f;
        f.whenComplete((s, e) -> {
            synchronized (this) {
                inFlight = null;
            }
            if (e == null) {
                current = s;
            } else {
                LOG.warn("signing keys of {} not refreshed: {}", issuer, rootMessage(e));
            }
        });
        if (current != null) {
            // a failed refresh keeps the keys we had: an outage of the authorization server must not stop verification
            return f.exceptionally(e -> current);
        }
        return f.handle((s, e) -> {
            if (e != null) {
                throw new KeysUnavailableException("signing keys of " + issuer + " unavailable: " + rootMessage(e), e);
            }
            return s;
        });
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
