package dev.lanyard.server.agents;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Instant;
import java.util.Map;

/** A registered public key of an agent: the JWK's public members, plus our id, status and times. */
public record AgentKey(
        String id,
        @JsonIgnore String agentId,
        String kid,
        String status,
        Instant created,
        Instant updated,
        @JsonIgnore Map<String, Object> jwk) {

    /** The public JWK members (kty, n, e / crv, x, y, use, alg) appear at the top level, as in a JWK Set. */
    @JsonAnyGetter
    public Map<String, Object> jwkMembers() {
        Map<String, Object> m = new java.util.LinkedHashMap<>(jwk);
        m.remove("kid");
        return m;
    }
}
