package dev.lanyard.server.agents;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.lanyard.server.directory.Rows;
import dev.lanyard.server.http.ApiException;
import dev.lanyard.server.http.ErrorCode;
import dev.lanyard.server.http.Ids;
import dev.lanyard.server.http.Json;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.Map;

/** SQL for agent keys. */
public final class AgentKeyStore {
    private static final String COLUMNS = "id, agent_id, kid, status, created, updated, jwk";

    public Future<AgentKey> insert(SqlClient tx, String agentId, AgentPublicKey key, String status) {
        var now = Rows.now();
        String id = Ids.next("key");
        return tx.preparedQuery("INSERT INTO agent_keys (id, agent_id, kid, kty, alg, jwk, status, created, updated) "
                        + "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING " + COLUMNS)
                .execute(Tuple.tuple().addString(id).addString(agentId).addString(key.kid())
                        .addString(key.jwk().getKeyType().getValue()).addString(key.alg())
                        .addString(key.jwk().toJSONString()).addString(status).addOffsetDateTime(now))
                .recover(e -> Future.failedFuture(e instanceof PgException pg && "23505".equals(pg.getSqlState())
                        ? new ApiException(ErrorCode.DUPLICATE, "this agent already has a key with kid '" + key.kid() + "'")
                        : e))
                .map(rows -> fromRow(rows.iterator().next()));
    }

    public Future<List<AgentKey>> list(SqlClient client, String agentId) {
        return client.preparedQuery("SELECT " + COLUMNS + " FROM agent_keys WHERE agent_id = $1 ORDER BY created, id")
                .execute(Tuple.of(agentId)).map(rows -> Rows.all(rows, AgentKeyStore::fromRow));
    }

    public Future<AgentKey> require(SqlClient client, String agentId, String keyId) {
        return client.preparedQuery("SELECT " + COLUMNS + " FROM agent_keys WHERE agent_id = $1 AND id = $2")
                .execute(Tuple.of(agentId, keyId))
                .map(rows -> Rows.first(rows, AgentKeyStore::fromRow)
                        .orElseThrow(() -> ApiException.notFound("key " + keyId + " of AI agent " + agentId)));
    }

    public Future<AgentKey> setStatus(SqlClient tx, String agentId, String keyId, String status) {
        return tx.preparedQuery("UPDATE agent_keys SET status = $3, updated = $4 WHERE agent_id = $1 AND id = $2 RETURNING " + COLUMNS)
                .execute(Tuple.of(agentId, keyId, status, Rows.now()))
                .map(rows -> fromRow(rows.iterator().next()));
    }

    public Future<Long> countActive(SqlClient tx, String agentId) {
        return tx.preparedQuery("SELECT count(*) AS n FROM agent_keys WHERE agent_id = $1 AND status = 'ACTIVE'")
                .execute(Tuple.of(agentId)).map(rows -> rows.iterator().next().getLong("n"));
    }

    public Future<Void> delete(SqlClient tx, String agentId, String keyId) {
        return tx.preparedQuery("DELETE FROM agent_keys WHERE agent_id = $1 AND id = $2").execute(Tuple.of(agentId, keyId)).mapEmpty();
    }

    static AgentKey fromRow(Row row) {
        Map<String, Object> jwk = Json.MAPPER.convertValue(Json.tree(row.getString("jwk")), new TypeReference<>() {});
        return new AgentKey(row.getString("id"), row.getString("agent_id"), row.getString("kid"), row.getString("status"),
                Rows.instant(row, "created"), Rows.instant(row, "updated"), jwk);
    }
}
