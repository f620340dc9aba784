package dev.lanyard.server.oauth;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.ZoneOffset;

/** SQL for the record of issued tokens. */
public final class TokenRegistry {
    public Future<Void> record(SqlClient tx, IssuedToken t) {
        return tx.preparedQuery("INSERT INTO issued_tokens (jti, kind, server_id, client_id, agent_id, agent_key_id, "
                        + "user_id, connection_id, session_id, subject, audience, scope, issued_at, expires_at) "
                        + "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)")
                .execute(Tuple.tuple().addString(t.jti()).addString(t.kind()).addString(t.serverId())
                        .addString(t.clientId()).addString(t.agentId()).addString(t.agentKeyId()).addString(t.userId())
                        .addString(t.connectionId()).addString(t.sessionId()).addString(t.subject())
                        .addString(t.audience()).addString(t.scope())
                        .addOffsetDateTime(t.issuedAt().atOffset(ZoneOffset.UTC))
                        .addOffsetDateTime(t.expiresAt().atOffset(ZoneOffset.UTC)))
                .mapEmpty();
    }
}
