package dev.lanyard.server.oauth;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.lanyard.server.audit.AuditRecord;
import dev.lanyard.server.http.Ids;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * RFC 8693 token exchange at the org authorization server, ID-JAG profile (draft-ietf-oauth-identity-assertion-authz-
 * grant §4.3): an agent presents a user's ID token and receives an Identity Assertion JWT Authorization Grant for one
 * resource authorization server. The IdP checks of protocols.md §1.3: the client is authenticated; the ID token is
 * ours, unexpired, of type ID token, and was issued to the agent's linked app; the user is ACTIVE; the (audience,
 * resource) pair is one an ACTIVE identity-assertion connection of the agent allows; scopes are narrowed by policy.
 * A bad subject token is {@code invalid_grant} (the ID-JAG profile's choice; RFC 8693 would say invalid_request).
 */
public final class TokenExchangeGrant implements Grant {
    static final int MAX_LIFETIME_SECONDS = 300;
    private static final Set<String> PARAMS = Set.of("grant_type", "requested_token_type", "subject_token",
            "subject_token_type", "audience", "resource", "scope", "client_id", "client_assertion_type",
            "client_assertion");
    private static final List<JOSEObjectType> ID_TOKEN_TYPES = List.of(JOSEObjectType.JWT);

    private final String baseUrl;
    private final GrantFacts facts;
    private final TokenSigner signer;
    private final TokenPolicy policy;
    private final TokenIssuance issuance;
    private final Clock clock;
    /** Users' ID tokens already verified: an agent presents the same one for each resource it needs. */
    private final VerifiedSignatures subjectTokens = new VerifiedSignatures();

    public TokenExchangeGrant(String baseUrl, GrantFacts facts, TokenSigner signer,
                              TokenPolicy policy, TokenIssuance issuance, Clock clock) {
        this.baseUrl = baseUrl;
        this.facts = facts;
        this.signer = signer;
        this.policy = policy;
        this.issuance = issuance;
        this.clock = clock;
    }

    @Override
    public String grantType() {
        return OAuthUris.GRANT_TOKEN_EXCHANGE;
    }

    @Override
    public Set<String> parameters() {
        return PARAMS;
    }

    /** Nothing changes before {@link GrantFacts#context}. */
    @Override
    public boolean overlapsAssertionClaim() {
        return true;
    }

    private record Subject(String userId, String status, List<String> groups, String email, Date authTime) {}

    @Override
    public Future<JsonObject> handle(GrantRequest req) {
        TokenForm form = req.form();
        if (!OAuthUris.TOKEN_TYPE_ID_JAG.equals(form.require("requested_token_type"))) {
            throw OAuthException.invalidRequest("requested_token_type must be " + OAuthUris.TOKEN_TYPE_ID_JAG);
        }
        if (!OAuthUris.TOKEN_TYPE_ID_TOKEN.equals(form.require("subject_token_type"))) {
            throw OAuthException.invalidRequest("subject_token_type must be " + OAuthUris.TOKEN_TYPE_ID_TOKEN);
        }
        String audience = form.require("audience");
        String serverId = serverIdOf(audience);
        List<String> requested = GrantFacts.scopes(form.get("scope"));
        SignedJWT subjectToken = SignedJwts.parse(form.require("subject_token"), OAuthException::invalidGrant);
        Instant now = clock.instant();
        JWTClaimsSet idToken = SignedJwts.verify(subjectToken, ID_TOKEN_TYPES, signer.publicKeys(TokenSigner.ORG), now,
                d -> OAuthException.invalidGrant("subject_token: " + d), subjectTokens);
        if (!baseUrl.equals(idToken.getIssuer())) {
            throw OAuthException.invalidGrant("subject_token was not issued by this authorization server");
        }
        String agentId = req.client().agentId();
        String userId = idToken.getSubject();
        if (!Ids.isValid("usr", userId)) {
            throw OAuthException.invalidGrant("subject_token subject is not a user of this directory");
        }
        return facts.context(req, serverId, "IDENTITY_ASSERTION", userId).compose(context -> {
            TokenPolicyInput.Agent agent = context.agent();
            List<String> aud = idToken.getAudience();
            boolean forThisClient = aud != null && aud.size() == 1 && (aud.get(0).equals(agentId)
                    || (context.linkedApp().isPresent() && aud.get(0).equals(context.linkedApp().get())));
            if (!forThisClient) {
                throw OAuthException.invalidGrant("subject_token audience is not this client (nor its linked app)");
            }
            Subject subject = subject(idToken, context.user());
            if (context.server().filter(GrantFacts.Server::active).isEmpty()) {
                throw new OAuthException("invalid_target", "audience is not an active authorization server of this organisation");
            }
            GrantFacts.Resource resource = GrantFacts.target(context.resources(), form.get("resource"));
            TokenPolicyInput.Connection connection = context.connection(resource).orElseThrow(() ->
                    new OAuthException("invalid_target",
                            "no identity-assertion connection of this agent allows this audience and resource"));
            TokenPolicyInput input = new TokenPolicyInput(grantType(), agent,
                    new TokenPolicyInput.Principal(subject.userId(), subject.status(), subject.groups()),
                    connection, new TokenPolicyInput.Resource(resource.uri(), resource.tags(), resource.scopes()),
                    requested, List.of(), new TokenPolicyInput.Request(req.caller().clientIp(), now.toString()), null,
                    context.approvals(resource));
            return policy.decide(input).compose(decision -> {
                if (!decision.allow()) {
                    throw new PolicyDenied(decision);
                }
                return issue(req, agent, subject, audience, serverId, resource, connection, requested, decision, now);
            });
        });
    }

    private Future<JsonObject> issue(GrantRequest req, TokenPolicyInput.Agent agent, Subject subject, String audience,
                                     String serverId, GrantFacts.Resource resource, TokenPolicyInput.Connection connection,
                                     List<String> requested, TokenDecision decision, Instant now) {
        int ttl = Math.min(MAX_LIFETIME_SECONDS, decision.ttlSeconds());
        Instant exp = now.plusSeconds(ttl);
        String jti = Ids.sortable("jag");
        String session = Ids.next("ses");
        String scope = String.join(" ", decision.scopes());
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(baseUrl).subject(subject.userId()).audience(audience)
                .claim("client_id", agent.id()).jwtID(jti).issueTime(Date.from(now)).expirationTime(Date.from(exp))
                .claim("resource", resource.uri()).claim("scope", scope).claim("sid", session)
                .claim("agent_id", agent.id());
        if (subject.authTime() != null) {
            claims.claim("auth_time", subject.authTime().toInstant().getEpochSecond());
        }
        if (subject.email() != null) {
            claims.claim("email", subject.email());
        }
        IssuedToken token = new IssuedToken(jti, "ID_JAG", TokenSigner.ORG, agent.id(), agent.id(), req.client().agentKeyId(),
                subject.userId(), connection.id(), session, subject.userId(), audience, scope, now, exp);
        var details = AuditRecord.fields().put("grant_type", grantType()).put("resource", resource.uri())
                .put("audience_server", serverId).put("scope_requested", String.join(" ", requested))
                .put("decision", "allow").put("decision_id", decision.decisionId()).put("connection", connection.id()).put("kid", req.client().kid());
        return issuance.issue(req.caller(), "oauth.id_jag.issued", new JOSEObjectType(OAuthUris.TYP_ID_JAG),
                        claims.build(), token, details)
                .map(jwt -> new JsonObject().put("access_token", jwt)
                        .put("issued_token_type", OAuthUris.TOKEN_TYPE_ID_JAG).put("token_type", "N_A")
                        .put("expires_in", ttl).put("scope", scope));
    }

    /** The RAS named by {@code audience}: its issuer identifier {base}/oauth2/{id}. */
    private String serverIdOf(String audience) {
        String prefix = baseUrl + "/oauth2/";
        if (audience.startsWith(prefix)) {
            String id = audience.substring(prefix.length());
            if (Ids.isValid("aus", id)) {
                return id;
            }
        }
        throw new OAuthException("invalid_target", "audience must be the issuer of one of this organisation's "
                + "authorization servers");
    }

    private static Subject subject(JWTClaimsSet idToken, Optional<GrantFacts.User> user) {
        if (user.isEmpty()) {
            throw OAuthException.invalidGrant("subject_token subject is not a user of this directory");
        }
        if (!"ACTIVE".equals(user.get().status())) {
            throw OAuthException.invalidGrant("the user is not active");
        }
        Date authTime = idToken.getClaim("auth_time") instanceof Number n ? new Date(n.longValue() * 1000) : null;
        return new Subject(user.get().id(), user.get().status(), user.get().groups(), user.get().email(), authTime);
    }
}
