package dev.lanyard.server.oauth;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.lanyard.server.http.Ids;
import dev.lanyard.server.store.ReadCache;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.util.function.Supplier;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;

/**
 * private_key_jwt (RFC 7523 §2.2, 7523bis) for agents — with their registered keys — and for sign-on apps registered
 * with a JWKS: {@code iss} = {@code sub} = the client id; {@code aud}
 * a single value naming this server (issuer, or the token endpoint URL); {@code exp} required and at most five
 * minutes ahead; {@code jti} required and single use; signed with one of the client's active keys (by {@code kid}, or
 * each in turn without one) under an allowed algorithm. Every failure is {@code invalid_client} (401).
 * Cheap checks come first; the replay claim comes last, after the signature, so forged assertions can't burn a
 * legitimate client's jti.
 */
public final class ClientAssertionVerifier {
    static final Duration MAX_AHEAD = Duration.ofMinutes(5);
    private static final Set<JOSEObjectType> ACCEPTED_TYP = Set.of(JOSEObjectType.JWT,
            new JOSEObjectType(OAuthUris.TYP_CLIENT_AUTH));

    private final Vertx vertx;
    private final Supplier<Pool> pool;
    private final ReplayGuard replay;
    private final Clock clock;
    private final ReadCache<List<Candidate>> agentKeys;

    /**
     * @param agentKeys where an ACTIVE agent's active keys are kept between requests, or null to read them for
     *                  every request. Only for callers that check the agent and the key again on the live state
     *                  before acting ({@link GrantFacts#context} does, for every grant).
     */
    public ClientAssertionVerifier(Vertx vertx, Supplier<Pool> pool, ReplayGuard replay, Clock clock,
                                   ReadCache<List<Candidate>> agentKeys) {
        this.vertx = vertx;
        this.pool = pool;
        this.replay = replay;
        this.clock = clock;
        this.agentKeys = agentKeys;
    }

    /** A key the assertion may be signed with. */
    public record Candidate(String keyId, String kid, JWK jwk) {}

    /**
     * A client whose assertion's signature has been checked, and the claim of its single-use {@code jti}, still
     * running: {@code assertionClaimed} fails with {@code invalid_client} if the assertion was used before. Until it
     * has succeeded, the client may be looked up but nothing may be done on its behalf.
     */
    public record Authentication(AuthenticatedClient client, Future<Void> assertionClaimed) {}

    /**
     * The client, once its assertion is verified and its {@code jti} claimed.
     *
     * @param audiences the values {@code aud} may take at this endpoint (issuer, token endpoint URL)
     */
    public Future<AuthenticatedClient> verify(TokenForm form, Set<String> audiences) {
        return authenticate(form, audiences).compose(a -> a.assertionClaimed().map(a.client()));
    }

    /**
     * The client as soon as its assertion's signature is verified, with the {@code jti} claim under way (see
     * {@link Authentication}): a grant can read its facts during the claim's round trip instead of after it.
     */
    public Future<Authentication> authenticate(TokenForm form, Set<String> audiences) {
        String type = form.get("client_assertion_type")
                .orElseThrow(() -> OAuthException.invalidClient("client authentication required: use private_key_jwt "
                        + "(client_assertion_type and client_assertion)"));
        if (!OAuthUris.CLIENT_ASSERTION_JWT.equals(type)) {
            throw OAuthException.invalidClient("unsupported client_assertion_type");
        }
        String assertion = form.get("client_assertion")
                .orElseThrow(() -> OAuthException.invalidClient("client_assertion is required"));
        SignedJWT jwt;
        JWTClaimsSet claims;
        try {
            jwt = SignedJWT.parse(assertion);
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException | ClassCastException e) {
            throw OAuthException.invalidClient("client_assertion is not a signed JWT");
        }
        if (!JwtRules.allowed(jwt.getHeader().getAlgorithm())) {
            throw OAuthException.invalidClient("client_assertion alg " + jwt.getHeader().getAlgorithm() + " is not allowed");
        }
        JOSEObjectType typ = jwt.getHeader().getType();
        if (typ != null && !ACCEPTED_TYP.contains(typ)) {
            throw OAuthException.invalidClient("client_assertion typ '" + TokenForm.safe(typ.getType())
                    + "' is not a client authentication JWT");
        }
        String clientId = claims.getIssuer();
        if (clientId == null || !clientId.equals(claims.getSubject())) {
            throw OAuthException.invalidClient("client_assertion iss and sub must both be the client id");
        }
        form.get("client_id").ifPresent(given -> {
            if (!given.equals(clientId)) {
                throw OAuthException.invalidClient("client_id does not match the client_assertion");
            }
        });
        checkAudience(claims, audiences);
        Instant now = clock.instant();
        Instant exp = checkTimes(claims, now);
        String jti = claims.getJWTID();
        if (!ReplayGuard.usable(jti)) {
            throw OAuthException.invalidClient("client_assertion needs a jti (at most 200 printable characters)");
        }
        String kid = jwt.getHeader().getKeyID();
        Future<Candidate> signer;
        if (Ids.isValid("agt", clientId)) {
            signer = agentKey(jwt, clientId, kid);
        } else if (Ids.isValid("app", clientId)) {
            signer = appKeys(clientId, kid).compose(keys -> verify(jwt, keys));
        } else {
            throw OAuthException.invalidClient("unknown client");
        }
        return signer.map(key -> {
            boolean agent = clientId.startsWith("agt_");
            Future<Void> claimed = replay.claim("client_assertion:" + clientId, jti, exp.plus(JwtRules.SKEW))
                    .map(first -> {
                        if (!first) {
                            throw OAuthException.invalidClient("client_assertion has been used before (jti replay)");
                        }
                        return null;
                    });
            return new Authentication(new AuthenticatedClient(clientId, agent ? clientId : null,
                    agent ? key.keyId() : null, key.kid(), "private_key_jwt"), claimed);
        });
    }

    /**
     * The agent key that signed the assertion. Kept keys are tried first; if none of them fits (a key added, or
     * rotated, since they were read), the keys are read again. Kept keys can only be out of date towards "still
     * active", which the grant's live read of the agent and key then refuses.
     */
    private Future<Candidate> agentKey(SignedJWT jwt, String clientId, String kid) {
        if (agentKeys == null) {
            return activeAgentKeys(clientId).compose(keys -> verify(jwt, select(keys, kid)));
        }
        List<Candidate> kept = agentKeys.peek(clientId);
        List<Candidate> fitting = kept == null ? List.of() : named(kept, kid);
        if (fitting.isEmpty()) {
            return reread(jwt, clientId, kid);
        }
        return verify(jwt, fitting).recover(e -> reread(jwt, clientId, kid));
    }

    private Future<Candidate> reread(SignedJWT jwt, String clientId, String kid) {
        agentKeys.evict(clientId);
        return agentKeys.get(clientId, () -> activeAgentKeys(clientId)).compose(keys -> verify(jwt, select(keys, kid)));
    }

    /**
     * One signature check (≈ 0.1 ms for ES256 on BouncyCastle, less for RSA) costs about what a hand-over to a worker
     * thread and back does, so it runs where we are. Several candidates (an assertion without {@code kid}) may cost
     * a multiple: those go to the worker pool.
     */
    private Future<Candidate> verify(SignedJWT jwt, List<Candidate> keys) {
        if (keys.size() == 1) {
            try {
                return Future.succeededFuture(verifiedBy(jwt, keys));
            } catch (RuntimeException e) {
                return Future.failedFuture(e);
            }
        }
        return vertx.executeBlocking(() -> verifiedBy(jwt, keys), false);
    }

    /** All the active keys of an ACTIVE agent. */
    private Future<List<Candidate>> activeAgentKeys(String clientId) {
        return pool.get().preparedQuery("SELECT a.status, k.id, k.kid, k.jwk FROM agents a "
                        + "LEFT JOIN agent_keys k ON k.agent_id = a.id AND k.status = 'ACTIVE' WHERE a.id = $1")
                .execute(Tuple.of(clientId))
                .map(rows -> {
                    if (rows.size() == 0) {
                        throw OAuthException.invalidClient("unknown client");
                    }
                    List<Candidate> keys = new ArrayList<>();
                    String status = null;
                    for (Row row : rows) {
                        status = row.getString("status");
                        if (row.getString("id") != null) {
                            keys.add(new Candidate(row.getString("id"), row.getString("kid"), parse(row.getString("jwk"))));
                        }
                    }
                    if (!"ACTIVE".equals(status)) {
                        throw OAuthException.invalidClient("the agent is not active");
                    }
                    return List.copyOf(keys);
                });
    }

    /** The keys named by {@code kid}, all of them without one. */
    private static List<Candidate> named(List<Candidate> keys, String kid) {
        return kid == null ? keys : keys.stream().filter(c -> kid.equals(c.kid())).toList();
    }

    /** {@link #named}, at least one. */
    private static List<Candidate> select(List<Candidate> keys, String kid) {
        return requireSome(named(keys, kid), kid, "the agent has no active key");
    }

    /** The registered JWKS of an ACTIVE sign-on app whose method is private_key_jwt. */
    private Future<List<Candidate>> appKeys(String clientId, String kid) {
        return pool.get().preparedQuery("SELECT status, token_endpoint_auth_method, jwks FROM apps WHERE id = $1")
                .execute(Tuple.of(clientId))
                .map(rows -> {
                    if (rows.size() == 0) {
                        throw OAuthException.invalidClient("unknown client");
                    }
                    Row row = rows.iterator().next();
                    if (!"ACTIVE".equals(row.getString("status"))) {
                        throw OAuthException.invalidClient("the app is not active");
                    }
                    if (!"private_key_jwt".equals(row.getString("token_endpoint_auth_method")) || row.getString("jwks") == null) {
                        throw OAuthException.invalidClient("this app does not authenticate with private_key_jwt");
                    }
                    List<Candidate> keys = new ArrayList<>();
                    try {
                        for (JWK key : JWKSet.parse(row.getString("jwks")).getKeys()) {
                            if (kid == null || kid.equals(key.getKeyID())) {
                                keys.add(new Candidate(null, key.getKeyID(), key));
                            }
                        }
                    } catch (ParseException e) {
                        throw new IllegalStateException("stored app JWKS is unreadable", e);
                    }
                    return requireSome(keys, kid, "the app has no key");
                });
    }

    private static List<Candidate> requireSome(List<Candidate> keys, String kid, String none) {
        if (keys.isEmpty()) {
            throw OAuthException.invalidClient(kid == null ? none : "no active key with this kid");
        }
        return keys;
    }

    private static void checkAudience(JWTClaimsSet claims, Set<String> audiences) {
        List<String> aud = claims.getAudience();
        if (aud == null || aud.size() != 1) {
            throw OAuthException.invalidClient("client_assertion aud must be a single value naming this server");
        }
        if (!audiences.contains(aud.get(0))) {
            throw OAuthException.invalidClient("client_assertion aud does not name this server");
        }
    }

    private static Instant checkTimes(JWTClaimsSet claims, Instant now) {
        Date exp = claims.getExpirationTime();
        if (exp == null) {
            throw OAuthException.invalidClient("client_assertion needs exp");
        }
        Instant expires = exp.toInstant();
        if (expires.isBefore(now.minus(JwtRules.SKEW))) {
            throw OAuthException.invalidClient("client_assertion has expired");
        }
        if (expires.isAfter(now.plus(MAX_AHEAD).plus(JwtRules.SKEW))) {
            throw OAuthException.invalidClient("client_assertion exp is more than 5 minutes ahead");
        }
        Date iat = claims.getIssueTime();
        if (iat != null && iat.toInstant().isAfter(now.plus(JwtRules.SKEW))) {
            throw OAuthException.invalidClient("client_assertion iat is in the future");
        }
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && nbf.toInstant().isAfter(now.plus(JwtRules.SKEW))) {
            throw OAuthException.invalidClient("client_assertion is not valid yet (nbf)");
        }
        return expires;
    }

    private static Candidate verifiedBy(SignedJWT jwt, List<Candidate> keys) {
        for (Candidate c : keys) {
            JWSVerifier verifier = JwtRules.verifier(c.jwk(), jwt.getHeader().getAlgorithm());
            try {
                if (verifier != null && jwt.verify(verifier)) {
                    return c;
                }
            } catch (com.nimbusds.jose.JOSEException e) {
                // try the next key
            }
        }
        throw OAuthException.invalidClient("client_assertion signature does not verify with any active key of the agent");
    }

    private static JWK parse(String json) {
        try {
            return JWK.parse(json);
        } catch (ParseException e) {
            throw new IllegalStateException("stored agent key is unreadable", e);
        }
    }
}
