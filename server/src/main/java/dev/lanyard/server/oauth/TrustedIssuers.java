package dev.lanyard.server.oauth;

import com.nimbusds.jose.jwk.JWKSet;
import io.vertx.core.Future;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.text.ParseException;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Whose ID-JAGs a resource authorization server accepts, and their keys: our own org server (keys in process), and
 * the external IdPs configured for that server, whose JWKS is fetched from the configured URI (never from the token),
 * cached, and re-fetched when a token names an unknown {@code kid} — at most once a minute per URI, so a stream of
 * bogus kids can't turn us into a fetch amplifier.
 */
public final class TrustedIssuers {
    private static final long CACHE_MILLIS = 5 * 60_000;
    private static final long REFRESH_MIN_MILLIS = 60_000;
    private static final int MAX_JWKS_BYTES = 256 * 1024;

    private final String orgIssuer;
    private final TokenSigner signer;
    private final Supplier<Pool> pool;
    private final WebClient http;
    private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();

    private record Cached(JWKSet keys, long fetchedAt) {}

    public TrustedIssuers(String orgIssuer, TokenSigner signer, Supplier<Pool> pool, WebClient http) {
        this.orgIssuer = orgIssuer;
        this.signer = signer;
        this.pool = pool;
        this.http = http;
    }

    /** The keys of {@code issuer} if this server trusts it; empty if it doesn't. */
    public Future<Optional<JWKSet>> keys(String serverId, String issuer, String kid) {
        if (orgIssuer.equals(issuer)) {
            return Future.succeededFuture(Optional.of(signer.publicKeys(TokenSigner.ORG)));
        }
        return pool.get().preparedQuery("SELECT jwks_uri FROM trusted_issuers WHERE server_id = $1 AND issuer = $2")
                .execute(Tuple.of(serverId, issuer))
                .compose(rows -> rows.size() == 0 ? Future.succeededFuture(Optional.<JWKSet>empty())
                        : jwks(rows.iterator().next().getString("jwks_uri"), kid).map(Optional::of));
    }

    public boolean isOrg(String issuer) {
        return orgIssuer.equals(issuer);
    }

    private Future<JWKSet> jwks(String uri, String kid) {
        Cached c = cache.get(uri);
        long now = System.currentTimeMillis();
        boolean fresh = c != null && now - c.fetchedAt < CACHE_MILLIS;
        boolean knowsKid = c != null && (kid == null || c.keys.getKeyByKeyId(kid) != null);
        if (fresh && knowsKid) {
            return Future.succeededFuture(c.keys);
        }
        if (c != null && now - c.fetchedAt < REFRESH_MIN_MILLIS) {
            return Future.succeededFuture(c.keys);
        }
        return http.getAbs(uri).timeout(5000).send().map(resp -> {
            if (resp.statusCode() != 200 || resp.body() == null || resp.body().length() > MAX_JWKS_BYTES) {
                throw OAuthException.invalidGrant("the issuer's keys could not be fetched");
            }
            try {
                JWKSet keys = JWKSet.parse(resp.bodyAsString()).toPublicJWKSet();
                cache.put(uri, new Cached(keys, System.currentTimeMillis()));
                return keys;
            } catch (ParseException e) {
                throw OAuthException.invalidGrant("the issuer's JWKS is not valid");
            }
        }).recover(e -> c != null ? Future.succeededFuture(c.keys)
                : Future.failedFuture(e instanceof OAuthException ? e : OAuthException.invalidGrant("the issuer's keys could not be fetched")));
    }
}
