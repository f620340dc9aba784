package dev.lanyard.server.oauth;

import dev.lanyard.server.audit.GroupedRows;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/** SQL for the record of issued tokens. Issuances committed together are recorded in one statement. */
public final class TokenRegistry implements GroupedRows<IssuedToken> {
    private static final String INSERT_ALL = "INSERT INTO issued_tokens (jti, kind, server_id, client_id, agent_id, "
            + "agent_key_id, user_id, connection_id, session_id, subject, audience, scope, issued_at, expires_at) "
            + "SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], "
            + "$7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::timestamptz[], "
            + "$14::timestamptz[])";

    public Future<Void> record(SqlClient tx, IssuedToken t) {
        return insertAll(tx, List.of(t));
    }

    @Override
    public Future<Void> insertAll(SqlClient tx, List<IssuedToken> tokens) {
        int n = tokens.size();
        String[][] text = new String[12][n];
        OffsetDateTime[] issued = new OffsetDateTime[n];
        OffsetDateTime[] expires = new OffsetDateTime[n];
        for (int i = 0; i < n; i++) {
            IssuedToken t = tokens.get(i);
            String[] row = {t.jti(), t.kind(), t.serverId(), t.clientId(), t.agentId(), t.agentKeyId(), t.userId(),
                    t.connectionId(), t.sessionId(), t.subject(), t.audience(), t.scope()};
            for (int col = 0; col < row.length; col++) {
                text[col][i] = row[col];
            }
            issued[i] = t.issuedAt().atOffset(ZoneOffset.UTC);
            expires[i] = t.expiresAt().atOffset(ZoneOffset.UTC);
        }
        Tuple params = Tuple.tuple();
        for (String[] column : text) {
            params.addArrayOfString(column);
        }
        return tx.preparedQuery(INSERT_ALL).execute(params.addArrayOfOffsetDateTime(issued)
                .addArrayOfOffsetDateTime(expires)).mapEmpty();
    }
}
