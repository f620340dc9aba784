package dev.lanyard.mcp.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.AsymmetricJWK;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import java.security.Key;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * Verifies RFC 9068 JWT access tokens presented to one protected resource: JOSE {@code typ} {@code at+jwt} (so an ID
 * token or an ID-JAG of the same issuer is not taken for an access token), an algorithm from the allow-list with a key
 * of the matching type, the issuer exactly, {@code aud} containing this resource's canonical URI, {@code exp}/{@code nbf}
 * with a bounded skew, the claims RFC 9068 requires, and finally the kill switch.
 *
 * <p>A signature check costs about a millisecond (ES256 on JDK 17), so a token that verified once is remembered until
 * it expires; every later use re-checks its lifetime and revocation, which are the parts that change. Signature checks
 * run on {@code cryptoExecutor} (a worker pool, when the caller is an event loop).
 */
public final class AccessTokenVerifier {
    /** Headers, claims and a signature of a normal access token fit in a few KiB. */
    static final int MAX_TOKEN_LENGTH = 16 * 1024;
    private static final Set<String> ACCESS_TOKEN_TYPES = Set.of("at+jwt", "application/at+jwt");
    private static final DefaultJWSVerifierFactory VERIFIERS = new DefaultJWSVerifierFactory();

    /**
     * @param issuer     the authorization server whose tokens this resource accepts (exact string)
     * @param resource   this resource's canonical URI, which must be among the token's audiences
     * @param algorithms asymmetric algorithms accepted (never {@code none}, never HMAC: the keys are public)
     * @param clockSkew  tolerance for {@code exp}, {@code nbf} and {@code iat}
     * @param cacheSize  verified tokens remembered at most
     */
    public record Settings(String issuer, String resource, Set<JWSAlgorithm> algorithms, Duration clockSkew, int cacheSize) {
        public Settings {
            algorithms = Set.copyOf(algorithms);
            for (JWSAlgorithm a : algorithms) {
                if (JWSAlgorithm.Family.HMAC_SHA.contains(a)) {
                    throw new IllegalArgumentException("HMAC algorithms cannot be verified with published keys: " + a);
                }
            }
        }

        public static Settings defaults(String issuer, String resource) {
            return new Settings(issuer, resource, Set.of(JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.RS256,
                    JWSAlgorithm.RS384, JWSAlgorithm.RS512, JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512),
                    Duration.ofSeconds(30), 10_000);
        }
    }

    private final Settings settings;
    private final IssuerKeys keys;
    private final RevocationCheck revocations;
    private final Clock clock;
    private final Executor cryptoExecutor;
    /** Keyed by the compact token: only tokens whose signature verified are in here. */
    private final ConcurrentHashMap<String, VerifiedToken> verified = new ConcurrentHashMap<>();

    public AccessTokenVerifier(Settings settings, IssuerKeys keys, RevocationCheck revocations, Clock clock,
                               Executor cryptoExecutor) {
        this.settings = settings;
        this.keys = keys;
        this.revocations = revocations;
        this.clock = clock;
        this.cryptoExecutor = cryptoExecutor;
    }

    public Settings settings() {
        return settings;
    }

    /**
     * Completes with the verified claims, or fails with {@link InvalidTokenException} (answer 401 invalid_token) or
     * {@link KeysUnavailableException} (answer 503).
     */
    public CompletionStage<VerifiedToken> verify(String compact) {
        try {
            VerifiedToken known = verified.get(compact);
            if (known != null) {
                return CompletableFuture.completedFuture(stillGood(known));
            }
            SignedJWT jwt = parse(compact);
            JWSHeader header = jwt.getHeader();
            JWTClaimsSet claims = claims(jwt);
            VerifiedToken token = checkClaims(claims);
            checkLifetime(token, claims);
            return keyFor(header).thenApplyAsync(key -> {
                checkSignature(jwt, header, key);
                remember(compact, token);
                return stillGood(token);
            }, cryptoExecutor);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private SignedJWT parse(String compact) {
        if (compact == null || compact.isEmpty() || compact.length() > MAX_TOKEN_LENGTH) {
            throw new InvalidTokenException("malformed token");
        }
        JWT jwt;
        try {
            jwt = JWTParser.parse(compact);
        } catch (java.text.ParseException e) {
            throw new InvalidTokenException("malformed token");
        }
        if (jwt instanceof EncryptedJWT) {
            throw new InvalidTokenException("encrypted tokens are not accepted");
        }
        if (!(jwt instanceof SignedJWT signed)) {
            throw new InvalidTokenException("unsigned tokens are not accepted");
        }
        JWSHeader h = signed.getHeader();
        if (!settings.algorithms.contains(h.getAlgorithm())) {
            throw new InvalidTokenException("signing algorithm not allowed");
        }
        JOSEObjectType typ = h.getType();
        if (typ == null || !ACCESS_TOKEN_TYPES.contains(typ.getType().toLowerCase(Locale.ROOT))) {
            throw new InvalidTokenException("not an access token (typ must be at+jwt)");
        }
        if (h.getCriticalParams() != null && !h.getCriticalParams().isEmpty()) {
            // RFC 7515 §4.1.11: extensions we do not understand must make the token invalid
            throw new InvalidTokenException("unsupported critical header parameters");
        }
        return signed;
    }

    private static JWTClaimsSet claims(SignedJWT jwt) {
        try {
            return jwt.getJWTClaimsSet();
        } catch (java.text.ParseException e) {
            throw new InvalidTokenException("malformed token claims");
        }
    }

    private VerifiedToken checkClaims(JWTClaimsSet c) {
        if (!settings.issuer.equals(c.getIssuer())) {
            throw new InvalidTokenException("wrong issuer");
        }
        List<String> aud = c.getAudience();
        if (aud == null || !aud.contains(settings.resource)) {
            throw new InvalidTokenException("audience mismatch: token is not for this resource");
        }
        String clientId = string(c, "client_id");
        String scope = string(c, "scope");
        for (String[] required : new String[][] {{"sub", c.getSubject()}, {"jti", c.getJWTID()}, {"client_id", clientId}}) {
            if (required[1] == null || required[1].isEmpty()) {
                throw new InvalidTokenException("missing claim " + required[0]);
            }
        }
        if (c.getExpirationTime() == null) {
            throw new InvalidTokenException("missing claim exp");
        }
        if (c.getIssueTime() == null) {
            throw new InvalidTokenException("missing claim iat");
        }
        List<String> scopes = new ArrayList<>();
        if (scope != null) {
            Arrays.stream(scope.split(" ")).filter(s -> !s.isEmpty()).forEach(scopes::add);
        }
        Map<String, Object> act;
        try {
            act = c.getJSONObjectClaim("act");
        } catch (java.text.ParseException e) {
            throw new InvalidTokenException("malformed act claim");
        }
        return new VerifiedToken(c.getIssuer(), c.getSubject(), aud, clientId, scopes, c.getJWTID(),
                c.getIssueTime().toInstant(), c.getExpirationTime().toInstant(), string(c, "agent_id"), string(c, "sid"), act);
    }

    private static String string(JWTClaimsSet c, String name) {
        try {
            return c.getStringClaim(name);
        } catch (java.text.ParseException e) {
            throw new InvalidTokenException("malformed claim " + name);
        }
    }

    private void checkLifetime(VerifiedToken t, JWTClaimsSet c) {
        Instant now = clock.instant();
        Duration skew = settings.clockSkew;
        if (!now.isBefore(t.expiresAt().plus(skew))) {
            throw new InvalidTokenException("token expired");
        }
        Date nbf = c.getNotBeforeTime();
        if (nbf != null && now.plus(skew).isBefore(nbf.toInstant())) {
            throw new InvalidTokenException("token not yet valid");
        }
        if (now.plus(skew).isBefore(t.issuedAt())) {
            throw new InvalidTokenException("token issued in the future");
        }
    }

    private CompletionStage<JWK> keyFor(JWSHeader header) {
        String kid = header.getKeyID();
        if (kid != null) {
            return keys.key(kid).thenApply(k -> {
                if (k == null) {
                    throw new InvalidTokenException("unknown signing key");
                }
                return k;
            });
        }
        // no kid: only acceptable when exactly one published key fits the algorithm
        return keys.keys().thenApply(set -> {
            List<JWK> fitting = set.getKeys().stream().filter(k -> fits(k, header.getAlgorithm())).toList();
            if (fitting.size() != 1) {
                throw new InvalidTokenException("token names no signing key");
            }
            return fitting.get(0);
        });
    }

    private static boolean fits(JWK k, JWSAlgorithm alg) {
        boolean typeFits = (k instanceof ECKey && JWSAlgorithm.Family.EC.contains(alg))
                || (k instanceof RSAKey && (JWSAlgorithm.Family.RSA.contains(alg)));
        return typeFits && (k.getKeyUse() == null || KeyUse.SIGNATURE.equals(k.getKeyUse()))
                && (k.getAlgorithm() == null || k.getAlgorithm().equals(alg));
    }

    private static void checkSignature(SignedJWT jwt, JWSHeader header, JWK jwk) {
        if (!fits(jwk, header.getAlgorithm()) || !(jwk instanceof AsymmetricJWK asym)) {
            throw new InvalidTokenException("signing key does not fit the algorithm");
        }
        try {
            Key key = asym.toPublicKey();
            JWSVerifier verifier = VERIFIERS.createJWSVerifier(header, key);
            if (!jwt.verify(verifier)) {
                throw new InvalidTokenException("signature invalid");
            }
        } catch (JOSEException e) {
            throw new InvalidTokenException("signature invalid");
        }
    }

    /** The parts that change after issuance: lifetime and revocation. */
    private VerifiedToken stillGood(VerifiedToken t) {
        if (!clock.instant().isBefore(t.expiresAt().plus(settings.clockSkew))) {
            throw new InvalidTokenException("token expired", t);
        }
        revocations.revoked(t).ifPresent(reason -> {
            throw new InvalidTokenException(reason, t);
        });
        return t;
    }

    private void remember(String compact, VerifiedToken token) {
        if (verified.size() >= settings.cacheSize) {
            Instant now = clock.instant();
            verified.values().removeIf(t -> !now.isBefore(t.expiresAt().plus(settings.clockSkew)));
            if (verified.size() >= settings.cacheSize) {
                // still full of live tokens: start over rather than track recency on the hot path
                verified.clear();
            }
        }
        verified.put(compact, token);
    }
}
