package dev.lanyard.server.oauth;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.util.function.Supplier;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.Optional;

/**
 * Whether an issued token is still good, decided from the live state of everything it derives from — so a
 * deactivated agent, a deactivated key, a suspended user, an inactive connection or a revoked token makes it inactive
 * at the very next question, with nothing to propagate.
 */
public final class TokenStatus {
    private final Supplier<Pool> pool;

    public TokenStatus(Supplier<Pool> pool) {
        this.pool = pool;
    }

    public record Record(String jti, String kind, String serverId, String clientId, String agentId, String userId,
                         String sessionId, String subject, String audience, String scope, Instant issuedAt,
                         Instant expiresAt, boolean active) {}

    public Future<Optional<Record>> lookup(String jti) {
        return pool.get().preparedQuery("SELECT t.*, a.status AS agent_status, k.status AS key_status, u.status AS user_status, "
                        + "c.status AS connection_status, (t.expires_at > now()) AS unexpired FROM issued_tokens t "
                        + "LEFT JOIN agents a ON a.id = t.agent_id LEFT JOIN agent_keys k ON k.id = t.agent_key_id "
                        + "LEFT JOIN users u ON u.id = t.user_id LEFT JOIN connections c ON c.id = t.connection_id "
                        + "WHERE t.jti = $1")
                .execute(Tuple.of(jti))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(of(rows.iterator().next())));
    }

    private static Record of(Row r) {
        boolean active = r.getOffsetDateTime("revoked_at") == null && r.getBoolean("unexpired")
                && (r.getString("agent_id") == null || "ACTIVE".equals(r.getString("agent_status")))
                && (r.getString("agent_key_id") == null || "ACTIVE".equals(r.getString("key_status")))
                && (r.getString("user_id") == null || "ACTIVE".equals(r.getString("user_status")))
                && (r.getString("connection_id") == null || "ACTIVE".equals(r.getString("connection_status")));
        return new Record(r.getString("jti"), r.getString("kind"), r.getString("server_id"), r.getString("client_id"),
                r.getString("agent_id"), r.getString("user_id"), r.getString("session_id"), r.getString("subject"),
                r.getString("audience"), r.getString("scope"), r.getOffsetDateTime("issued_at").toInstant(),
                r.getOffsetDateTime("expires_at").toInstant(), active);
    }
}
