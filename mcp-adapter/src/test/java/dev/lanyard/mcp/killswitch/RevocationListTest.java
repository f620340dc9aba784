package dev.lanyard.mcp.killswitch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanyard.mcp.token.VerifiedToken;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RevocationListTest {
    private static final Instant NOW = Instant.parse("2026-11-23T10:00:00.500Z");
    private final RevocationList list = new RevocationList(Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofHours(1));

    private static VerifiedToken token(String agent, String sub, Instant iat, String jti, String sid) {
        return new VerifiedToken("iss", sub, List.of("aud"), agent, List.of("s"), jti, iat, iat.plusSeconds(600), agent, sid,
                sub.equals(agent) ? null : Map.of("sub", agent));
    }

    private static Revocation event(long seq, String type, Instant time, String agent, String user, String jti, String sid) {
        return new Revocation(seq, type, time, agent, user, null, null, jti, sid);
    }

    @Test
    void anAgentIsCutOffFromTheMomentOfItsDeactivation() {
        Instant issued = Instant.parse("2026-11-23T09:59:00Z");
        VerifiedToken before = token("agt_1", "agt_1", issued, "j1", "s1");
        assertEquals(Optional.empty(), list.revoked(before));
        list.apply(event(10, "agent.deactivated", NOW, "agt_1", null, null, null));
        assertEquals(Optional.of("agent deactivated"), list.revoked(before));
        // the same second as the deactivation: cannot tell which came first, so refused
        assertTrue(list.revoked(token("agt_1", "agt_1", Instant.parse("2026-11-23T10:00:00Z"), "j2", "s2")).isPresent());
        // a token issued after a reactivation is good again
        assertEquals(Optional.empty(), list.revoked(token("agt_1", "agt_1", Instant.parse("2026-11-23T10:00:01Z"), "j3", "s3")));
        assertEquals(Optional.empty(), list.revoked(token("agt_2", "agt_2", issued, "j4", "s4")));
        assertEquals(10, list.lastSeq());
    }

    @Test
    void usersTokensSessionsKeysAndConnections() {
        Instant issued = Instant.parse("2026-11-23T09:59:00Z");
        list.apply(event(1, "user.suspended", NOW, null, "usr_1", null, null));
        assertEquals(Optional.of("user deactivated"), list.revoked(token("agt_1", "usr_1", issued, "j1", "s1")));
        assertEquals(Optional.empty(), list.revoked(token("agt_1", "usr_2", issued, "j2", "s2")));
        list.apply(event(2, "oauth.token.revoked", NOW, "agt_3", null, "j5", "s5"));
        assertEquals(Optional.of("token revoked"), list.revoked(token("agt_3", "agt_3", issued, "j5", "s9")));
        assertEquals(Optional.of("token revoked"), list.revoked(token("agt_3", "agt_3", issued, "j6", "s5")), "same grant");
        assertEquals(Optional.empty(), list.revoked(token("agt_3", "agt_3", issued, "j7", "s7")), "other tokens of the agent");
        list.apply(new Revocation(3, "agent.credential.deactivated", NOW, "agt_4", null, "key_1", null, null, null));
        assertTrue(list.revoked(token("agt_4", "agt_4", issued, "j8", "s8")).isPresent());
        list.apply(new Revocation(4, "connection.deactivated", NOW, "agt_5", null, null, "con_1", null, null));
        assertTrue(list.revoked(token("agt_5", "agt_5", issued, "j9", "s9")).isPresent());
    }

    @Test
    void historyOlderThanAnyLiveTokenIsIgnoredAndPruned() {
        list.apply(event(1, "agent.deactivated", NOW.minus(Duration.ofHours(2)), "agt_1", null, null, null));
        assertEquals(0, list.size());
        assertEquals(1, list.lastSeq());
        RevocationList later = new RevocationList(Clock.fixed(NOW.plus(Duration.ofHours(2)), ZoneOffset.UTC), Duration.ofHours(1));
        list.apply(event(2, "agent.deactivated", NOW, "agt_2", null, null, null));
        assertEquals(1, list.size());
        later.apply(event(3, "agent.deactivated", NOW.plus(Duration.ofHours(2)), "agt_3", null, null, null));
        later.prune();
        assertEquals(1, later.size());
    }
}
