package dev.lanyard.mcp.token;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The claims of an access token that passed every check (RFC 9068): what authorization and audit need, and nothing
 * that would let someone replay it (the token itself is not kept).
 *
 * @param scopes    the space-separated {@code scope} claim, split
 * @param agentId   Lanyard's {@code agent_id} claim (null for tokens of other issuers)
 * @param sessionId Lanyard's {@code sid} claim: the grant the token came from
 * @param act       the RFC 8693 actor chain ({@code act} claim), null when the token holder acts for itself
 */
public record VerifiedToken(String issuer, String subject, List<String> audience, String clientId, List<String> scopes,
                            String jti, Instant issuedAt, Instant expiresAt, String agentId, String sessionId,
                            Map<String, Object> act) {
    public VerifiedToken {
        audience = List.copyOf(audience);
        scopes = List.copyOf(scopes);
        act = act == null ? null : Map.copyOf(act);
    }

    public String scope() {
        return String.join(" ", scopes);
    }

    /** The user the agent acts for: the subject, unless the subject is the agent itself (client credentials). */
    public String principalId() {
        return subject == null || subject.equals(agentId) || subject.equals(clientId) ? null : subject;
    }

    /** The scopes of {@code required} this token lacks, sorted (empty when it has them all). */
    public List<String> missingScopes(Collection<String> required) {
        Set<String> missing = new TreeSet<>(required);
        missing.removeAll(scopes);
        return List.copyOf(missing);
    }
}
