package dev.lanyard.server.oauth;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.lanyard.server.audit.AuditRecord;
import dev.lanyard.server.directory.Rows;
import dev.lanyard.server.http.Ids;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * RFC 7523 JWT-bearer grant at a resource authorization server, redeeming an ID-JAG (protocols.md §1.5): {@code typ}
 * oauth-id-jag+jwt; allowed alg; a trusted issuer's signature; {@code aud} exactly this issuer, one value;
 * {@code client_id} equal to the authenticated client; {@code exp}/{@code iat} within 60 s skew and at most 5 minutes
 * apart; {@code jti} single use; the subject an ACTIVE user; the resource governed here and allowed by an ACTIVE
 * identity-assertion connection; scopes = requested ∩ ID-JAG ∩ policy. Answers an RFC 9068 access token for the
 * resource, never a refresh token. Every failure of the assertion is {@code invalid_grant}.
 */
public final class JwtBearerGrant implements Grant {
    private static final Set<String> PARAMS = Set.of("grant_type", "assertion", "scope", "resource", "client_id",
            "client_assertion_type", "client_assertion");
    private static final List<JOSEObjectType> ID_JAG = List.of(new JOSEObjectType(OAuthUris.TYP_ID_JAG));

    private final Supplier<Pool> pool;
    private final TrustedIssuers issuers;
    private final ReplayGuard replay;
    private final GrantFacts facts;
    private final TokenPolicy policy;
    private final TokenIssuance issuance;
    private final Clock clock;

    public JwtBearerGrant(Supplier<Pool> pool, TrustedIssuers issuers, ReplayGuard replay, GrantFacts facts,
                          TokenPolicy policy, TokenIssuance issuance, Clock clock) {
        this.pool = pool;
        this.issuers = issuers;
        this.replay = replay;
        this.facts = facts;
        this.policy = policy;
        this.issuance = issuance;
        this.clock = clock;
    }

    @Override
    public String grantType() {
        return OAuthUris.GRANT_JWT_BEARER;
    }

    @Override
    public Set<String> parameters() {
        return PARAMS;
    }

    @Override
    public Future<JsonObject> handle(GrantRequest req) {
        SignedJWT jwt = SignedJwts.parse(req.form().require("assertion"), d -> OAuthException.invalidGrant("assertion is " + d));
        JWTClaimsSet unverified;
        try {
            unverified = jwt.getJWTClaimsSet();
        } catch (java.text.ParseException e) {
            throw OAuthException.invalidGrant("assertion claims are not readable");
        }
        String issuer = unverified.getIssuer();
        if (issuer == null) {
            throw OAuthException.invalidGrant("assertion has no iss");
        }
        List<String> requested = GrantFacts.scopes(req.form().get("scope"));
        Instant now = clock.instant();
        return issuers.keys(req.server().id(), issuer, jwt.getHeader().getKeyID()).compose(keys -> {
            if (keys.isEmpty()) {
                throw OAuthException.invalidGrant("assertion issuer is not trusted by this authorization server");
            }
            JWTClaimsSet claims = SignedJwts.verify(jwt, ID_JAG, keys.get(), now, d -> OAuthException.invalidGrant("assertion: " + d));
            checkClaims(claims, req, now);
            return replay.claim("id_jag:" + issuer, claims.getJWTID(), claims.getExpirationTime().toInstant().plus(JwtRules.SKEW))
                    .compose(first -> {
                        if (!first) {
                            throw OAuthException.invalidGrant("assertion has been used before (jti replay)");
                        }
                        // our own ID-JAGs name the user by id, read with the grant's other facts; an external
                        // IdP's user is found by e-mail first
                        return issuers.isOrg(issuer) ? redeem(req, claims, null, requested, now)
                                : externalUser(claims).compose(user -> redeem(req, claims, user, requested, now));
                    });
        });
    }

    private void checkClaims(JWTClaimsSet claims, GrantRequest req, Instant now) {
        List<String> aud = claims.getAudience();
        if (aud == null || aud.size() != 1) {
            throw OAuthException.invalidGrant("assertion aud must be exactly one value: this issuer");
        }
        if (!req.issuer().equals(aud.get(0))) {
            throw OAuthException.invalidGrant("assertion audience does not match this issuer");
        }
        Object clientId = claims.getClaim("client_id");
        if (!req.client().clientId().equals(clientId)) {
            throw OAuthException.invalidGrant("assertion client_id is not the authenticated client");
        }
        if (claims.getIssueTime() == null) {
            throw OAuthException.invalidGrant("assertion has no iat");
        }
        long lifetime = claims.getExpirationTime().getTime() - claims.getIssueTime().getTime();
        if (lifetime > (TokenExchangeGrant.MAX_LIFETIME_SECONDS + JwtRules.SKEW.toSeconds()) * 1000) {
            throw OAuthException.invalidGrant("assertion lives longer than 5 minutes");
        }
        String jti = claims.getJWTID();
        if (!ReplayGuard.usable(jti)) {
            throw OAuthException.invalidGrant("assertion needs a jti (at most 200 printable characters)");
        }
    }

    private record User(String id, String status, List<String> groups) {}

    /** An external IdP's user, linked by the e-mail it asserts. */
    private Future<User> externalUser(JWTClaimsSet claims) {
        Object email = claims.getClaim("email");
        if (!(email instanceof String key)) {
            return Future.failedFuture(OAuthException.invalidGrant("assertion subject can't be resolved to a user"));
        }
        return pool.get().preparedQuery("SELECT id, status, array(SELECT group_id FROM group_members g "
                        + "WHERE g.user_id = u.id ORDER BY group_id) AS groups FROM users u WHERE lower(u.email) = lower($1)")
                .execute(Tuple.of(key)).map(rows -> {
                    if (rows.size() != 1) {
                        throw OAuthException.invalidGrant("assertion subject can't be resolved to a user");
                    }
                    var r = rows.iterator().next();
                    return active(new User(r.getString("id"), r.getString("status"), Rows.strings(r, "groups")));
                });
    }

    /** The user our own ID-JAG names by id, as read with the grant's facts. */
    private static User orgUser(java.util.Optional<GrantFacts.User> read) {
        GrantFacts.User u = read.orElseThrow(() -> OAuthException.invalidGrant("assertion subject can't be resolved to a user"));
        return active(new User(u.id(), u.status(), u.groups()));
    }

    private static User active(User user) {
        if (!"ACTIVE".equals(user.status())) {
            throw OAuthException.invalidGrant("the user is not active");
        }
        return user;
    }

    /** @param external the user an external IdP's assertion resolved to; null for our own ID-JAGs */
    private Future<JsonObject> redeem(GrantRequest req, JWTClaimsSet claims, User external, List<String> requested,
                                      Instant now) {
        String claimed = claims.getClaim("resource") instanceof String s ? s : null;
        var asked = req.form().get("resource");
        if (claimed != null && asked.isPresent() && !claimed.equals(asked.get())) {
            throw new OAuthException("invalid_target", "resource differs from the one in the assertion");
        }
        List<String> assertionScopes = GrantFacts.scopes(java.util.Optional.ofNullable(
                claims.getClaim("scope") instanceof String s ? s : null));
        List<String> wanted = requested.isEmpty() ? assertionScopes : narrow(requested, assertionScopes);
        String userId = external == null ? claims.getSubject() : null;
        return facts.context(req, req.server().id(), "IDENTITY_ASSERTION", userId).compose(context -> {
            GrantFacts.Server server = context.activeServer();
            User user = external != null ? external : orgUser(context.user());
            TokenPolicyInput.Agent agent = context.agent();
            GrantFacts.Resource resource = GrantFacts.target(context.resources(),
                    claimed != null ? java.util.Optional.of(claimed) : asked);
            TokenPolicyInput.Connection connection = context.connection(resource).orElseThrow(() ->
                    new OAuthException("invalid_target", "no identity-assertion connection of this agent allows this resource"));
            if (!requested.isEmpty() && wanted.isEmpty()) {
                throw new OAuthException("invalid_scope", "the requested scopes are not in the assertion");
            }
            TokenPolicyInput input = new TokenPolicyInput(grantType(), agent,
                    new TokenPolicyInput.Principal(user.id(), user.status(), user.groups()), connection,
                    new TokenPolicyInput.Resource(resource.uri(), resource.tags(), resource.scopes()), wanted,
                    List.of(), new TokenPolicyInput.Request(req.caller().clientIp(), now.toString()), null,
                    context.approvals(resource));
            return policy.decide(input).compose(decision -> {
                if (!decision.allow()) {
                    throw new PolicyDenied(decision);
                }
                return issue(req, server, claims, user, agent, resource, connection, requested, decision, now);
            });
        });
    }

    private static List<String> narrow(List<String> requested, List<String> allowed) {
        List<String> out = new ArrayList<>();
        for (String s : requested) {
            if (allowed.contains(s)) {
                out.add(s);
            }
        }
        return out;
    }

    private Future<JsonObject> issue(GrantRequest req, GrantFacts.Server server, JWTClaimsSet assertion, User user,
                                     TokenPolicyInput.Agent agent,
                                     GrantFacts.Resource resource, TokenPolicyInput.Connection connection,
                                     List<String> requested, TokenDecision decision, Instant now) {
        int ttl = Math.min(decision.ttlSeconds(), server.accessTokenTtlSeconds());
        Instant exp = now.plusSeconds(ttl);
        String jti = Ids.sortable("atj");
        String session = assertion.getClaim("sid") instanceof String s ? s : Ids.next("ses");
        String scope = String.join(" ", decision.scopes());
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(req.issuer()).subject(user.id()).audience(resource.uri())
                .claim("client_id", req.client().clientId()).claim("scope", scope).jwtID(jti)
                .issueTime(Date.from(now)).expirationTime(Date.from(exp)).claim("sid", session)
                .claim("agent_id", agent.id()).claim("act", Map.of("sub", agent.id()));
        if (assertion.getClaim("auth_time") != null) {
            claims.claim("auth_time", assertion.getClaim("auth_time"));
        }
        IssuedToken token = new IssuedToken(jti, "ACCESS_TOKEN", req.server().id(), req.client().clientId(), agent.id(),
                req.client().agentKeyId(), user.id(), connection.id(), session, user.id(), resource.uri(), scope, now, exp);
        var details = AuditRecord.fields().put("grant_type", grantType()).put("resource", resource.uri())
                .put("scope_requested", String.join(" ", requested)).put("decision", "allow").put("decision_id", decision.decisionId())
                .put("connection", connection.id()).put("assertion_jti", assertion.getJWTID())
                .put("assertion_issuer", assertion.getIssuer()).put("kid", req.client().kid());
        return issuance.issue(req.caller(), "oauth.token.issued", new JOSEObjectType(OAuthUris.TYP_ACCESS_TOKEN),
                        claims.build(), token, details)
                .map(jwt -> TokenIssuance.response(jwt, "Bearer", ttl, scope));
    }
}
