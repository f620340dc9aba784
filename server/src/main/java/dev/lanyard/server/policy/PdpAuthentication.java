package dev.lanyard.server.policy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.lanyard.server.admin.AdminAuthHandler;
import dev.lanyard.server.admin.AdminTokenSecret;
import dev.lanyard.server.oauth.FirstPartyAccessTokens;
import dev.lanyard.server.oauth.FirstPartyAccessTokens.Refused;
import dev.lanyard.server.oauth.OAuthUris;
import dev.lanyard.server.oauth.SignedJwts;
import dev.lanyard.server.oauth.TokenSigner;
import dev.lanyard.server.oauth.TokenStatus;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Authenticates Data API callers. Either an admin-API token (admin, auditor or adapter role), or an RFC 9068 access
 * token issued by one of our resource authorization servers for the PDP's resource ({@code aud} =
 * {@code {base}/v1/data}) with scope {@code lanyard.pdp}, still active. Verified access tokens are remembered for at
 * most {@link #CACHE_MILLIS} (keyed by the token's hash), so a revoked token stops working within that bound while a
 * busy caller does not pay a signature check and a database look-up per decision.
 */
public final class PdpAuthentication {
    public static final String SCOPE = "lanyard.pdp";
    static final long CACHE_MILLIS = 1_000;
    private static final int MAX_CACHED = 10_000;

    private final String baseUrl;
    private final String resource;
    private final AdminAuthHandler admins;
    private final TokenSigner signer;
    private final TokenStatus status;
    private final Clock clock = Clock.systemUTC();
    private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();

    private record Cached(PdpCaller caller, long until) {}

    public PdpAuthentication(String baseUrl, AdminAuthHandler admins, TokenSigner signer, TokenStatus status) {
        this.baseUrl = baseUrl;
        this.resource = resourceUri(baseUrl);
        this.admins = admins;
        this.signer = signer;
        this.status = status;
    }

    /** The PDP's canonical resource URI: what an access token for the Data API must carry in {@code aud}. */
    public static String resourceUri(String baseUrl) {
        return baseUrl + "/v1/data";
    }

    public Future<PdpCaller> authenticate(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            return Future.failedFuture(new Refused("authentication required: send Authorization: Bearer <token>"));
        }
        if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7) || authorization.length() <= 7) {
            return Future.failedFuture(new Refused("the Authorization header must be a bearer token"));
        }
        String token = authorization.substring(7).trim();
        if (!FirstPartyAccessTokens.isJwt(token)) {
            return admins.principal(token).map(p -> p.map(a -> new PdpCaller(a.actor()))
                    .orElseThrow(() -> new Refused("invalid or expired token")));
        }
        String key = AdminTokenSecret.hash(token);
        Cached cached = cache.get(key);
        long now = System.currentTimeMillis();
        if (cached != null && cached.until > now) {
            return Future.succeededFuture(cached.caller);
        }
        JWTClaimsSet claims;
        try {
            claims = verify(token);
        } catch (Refused e) {
            return Future.failedFuture(e);
        }
        return status.lookup(claims.getJWTID()).map(record -> {
            if (record.isEmpty() || !record.get().active()) {
                cache.remove(key);
                throw new Refused("the access token is no longer active");
            }
            PdpCaller caller = new PdpCaller("client:" + record.get().clientId());
            if (cache.size() >= MAX_CACHED) {
                cache.clear();
            }
            long until = Math.min(now + CACHE_MILLIS, claims.getExpirationTime().getTime());
            cache.put(key, new Cached(caller, until));
            return caller;
        });
    }

    private JWTClaimsSet verify(String token) {
        SignedJWT jwt = SignedJwts.parse(token, Refused::new);
        String issuer;
        try {
            issuer = jwt.getJWTClaimsSet().getIssuer();
        } catch (java.text.ParseException e) {
            throw new Refused("the access token's claims are not readable");
        }
        String prefix = baseUrl + "/oauth2/";
        if (issuer == null || !issuer.startsWith(prefix) || issuer.indexOf('/', prefix.length()) >= 0) {
            throw new Refused("the access token was not issued by one of this server's authorization servers");
        }
        String serverId = issuer.substring(prefix.length());
        JWTClaimsSet claims = SignedJwts.verify(jwt, List.of(new JOSEObjectType(OAuthUris.TYP_ACCESS_TOKEN)),
                signer.publicKeys(serverId), clock.instant(), m -> new Refused("invalid access token: " + m));
        return FirstPartyAccessTokens.requireFor(claims, resource, SCOPE);
    }
}
