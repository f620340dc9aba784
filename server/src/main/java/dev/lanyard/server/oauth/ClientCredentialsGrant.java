package dev.lanyard.server.oauth;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.lanyard.server.audit.AuditRecord;
import dev.lanyard.server.http.Caller;
import dev.lanyard.server.http.Ids;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;

/**
 * {@code grant_type=client_credentials} at a resource authorization server (MCP's OAuth client credentials
 * extension): an agent acting on its own authenticates with private_key_jwt and gets an RFC 9068 access token for one
 * resource, through an ACTIVE client-credentials connection, with the scopes the policy grants.
 */
public final class ClientCredentialsGrant implements Grant {
    private static final Set<String> PARAMS = Set.of("grant_type", "scope", "resource", "client_id",
            "client_assertion_type", "client_assertion");
    private final GrantFacts facts;
    private final TokenPolicy policy;
    private final TokenIssuance issuance;
    private final Clock clock;

    public ClientCredentialsGrant(GrantFacts facts, TokenPolicy policy, TokenIssuance issuance, Clock clock) {
        this.facts = facts;
        this.policy = policy;
        this.issuance = issuance;
        this.clock = clock;
    }

    @Override
    public String grantType() {
        return OAuthUris.GRANT_CLIENT_CREDENTIALS;
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

    @Override
    public Future<JsonObject> handle(GrantRequest req) {
        List<String> requested = GrantFacts.scopes(req.form().get("scope"));
        return facts.context(req, req.server().id(), "CLIENT_CREDENTIALS").compose(context -> {
            GrantFacts.Server server = context.activeServer();
            TokenPolicyInput.Agent agent = context.agent();
            if ("user_delegated".equals(agent.type())) {
                throw new OAuthException("unauthorized_client",
                        "a user_delegated agent acts for users: use the ID-JAG (jwt-bearer) grant");
            }
            GrantFacts.Resource resource = GrantFacts.target(context.resources(), req.form().get("resource"));
            TokenPolicyInput.Connection connection = context.connection(resource).orElseThrow(() ->
                    new OAuthException("invalid_target", "no client-credentials connection of this agent allows this resource"));
            TokenPolicyInput input = new TokenPolicyInput(grantType(), agent, null, connection,
                    new TokenPolicyInput.Resource(resource.uri(), resource.tags(), resource.scopes()), requested, List.of(),
                    new TokenPolicyInput.Request(req.caller().clientIp(), clock.instant().toString()), null,
                    context.approvals(resource));
            return policy.decide(input).compose(decision -> {
                if (!decision.allow()) {
                    throw new PolicyDenied(decision);
                }
                return issue(req, server, agent, resource, connection, requested, decision);
            });
        });
    }

    private Future<JsonObject> issue(GrantRequest req, GrantFacts.Server server, TokenPolicyInput.Agent agent,
                                     GrantFacts.Resource resource,
                                     TokenPolicyInput.Connection connection, List<String> requested, TokenDecision decision) {
        Instant now = clock.instant();
        int ttl = Math.min(decision.ttlSeconds(), server.accessTokenTtlSeconds());
        Instant exp = now.plusSeconds(ttl);
        String jti = Ids.sortable("atj");
        String session = Ids.next("ses");
        String scope = String.join(" ", decision.scopes());
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(req.issuer()).subject(agent.id()).audience(resource.uri())
                .claim("client_id", req.client().clientId()).claim("scope", scope).jwtID(jti)
                .issueTime(Date.from(now)).expirationTime(Date.from(exp))
                .claim("sid", session).claim("agent_id", agent.id()).build();
        IssuedToken token = new IssuedToken(jti, "ACCESS_TOKEN", req.server().id(), req.client().clientId(), agent.id(),
                req.client().agentKeyId(), null, connection.id(), session, agent.id(), resource.uri(), scope, now, exp);
        var details = AuditRecord.fields().put("grant_type", grantType()).put("resource", resource.uri())
                .put("scope_requested", String.join(" ", requested)).put("decision", "allow").put("decision_id", decision.decisionId())
                .put("connection", connection.id()).put("kid", req.client().kid());
        return issuance.issue(req.caller(), "oauth.token.issued", new JOSEObjectType(OAuthUris.TYP_ACCESS_TOKEN),
                        claims, token, details)
                .map(jwt -> TokenIssuance.response(jwt, "Bearer", ttl, scope));
    }
}
