package dev.lanyard.server.keys;

import dev.lanyard.server.directory.Rows;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

/** SQL for signing keys. Private material is only ever read for CURRENT keys, and only as ciphertext. */
final class SigningKeyStore {
    static final String CHANNEL = "lanyard_keys";

    /** A stored key; {@code privateEncrypted} is null for retired keys (never read). */
    record Stored(String kid, String serverId, String alg, String publicJwk, byte[] privateEncrypted, String status,
                  Instant created, Instant retiredAt) {}

    private static final String COLUMNS = "kid, server_id, alg, public_jwk, "
            + "CASE WHEN status = 'CURRENT' THEN private_encrypted END AS private_encrypted, status, created, retired_at";

    Future<List<Stored>> all(SqlClient client) {
        return client.query("SELECT " + COLUMNS + " FROM signing_keys ORDER BY server_id, created DESC").execute()
                .map(rows -> Rows.all(rows, SigningKeyStore::fromRow));
    }

    Future<List<Stored>> forServer(SqlClient client, String serverId) {
        return client.preparedQuery("SELECT " + COLUMNS + " FROM signing_keys WHERE server_id = $1 ORDER BY created DESC")
                .execute(Tuple.of(serverId)).map(rows -> Rows.all(rows, SigningKeyStore::fromRow));
    }

    Future<Boolean> anyExist(SqlClient client) {
        return client.query("SELECT EXISTS (SELECT 1 FROM signing_keys) AS e").execute()
                .map(rows -> rows.iterator().next().getBoolean("e"));
    }

    /** Serialises key changes of one server across instances until the transaction ends. */
    Future<Void> lock(SqlClient tx, String serverId) {
        return tx.preparedQuery("SELECT pg_advisory_xact_lock(hashtext($1))").execute(Tuple.of(CHANNEL + ":" + serverId))
                .mapEmpty();
    }

    Future<Optional<String>> currentKid(SqlClient tx, String serverId) {
        return tx.preparedQuery("SELECT kid FROM signing_keys WHERE server_id = $1 AND status = 'CURRENT'")
                .execute(Tuple.of(serverId)).map(rows -> Rows.first(rows, r -> r.getString("kid")));
    }

    Future<Void> retire(SqlClient tx, String kid, OffsetDateTime at) {
        return tx.preparedQuery("UPDATE signing_keys SET status = 'RETIRED', retired_at = $2 WHERE kid = $1")
                .execute(Tuple.of(kid, at)).mapEmpty();
    }

    Future<Void> insert(SqlClient tx, String serverId, GeneratedKey key, OffsetDateTime at) {
        return tx.preparedQuery("INSERT INTO signing_keys (kid, server_id, alg, public_jwk, private_encrypted, status, created) "
                        + "VALUES ($1, $2, $3, $4, $5, 'CURRENT', $6)")
                .execute(Tuple.tuple().addString(key.kid()).addString(serverId).addString(key.alg())
                        .addString(key.publicJwk().toJSONString()).addBuffer(Buffer.buffer(key.privateEncrypted()))
                        .addOffsetDateTime(at))
                .mapEmpty();
    }

    /** Wakes every instance's listener at commit; the payload is the server id. */
    Future<Void> notifyChange(SqlClient tx, String serverId) {
        return tx.preparedQuery("SELECT pg_notify('" + CHANNEL + "', $1)").execute(Tuple.of(serverId)).mapEmpty();
    }

    /** The state of a resource authorization server, if it exists. */
    Future<Optional<String>> serverStatus(SqlClient client, String serverId) {
        return client.preparedQuery("SELECT status FROM authorization_servers WHERE id = $1").execute(Tuple.of(serverId))
                .map(rows -> Rows.first(rows, r -> r.getString("status")));
    }

    /** Resource authorization servers that have no current key yet. */
    Future<List<String>> serversWithoutKey(SqlClient client) {
        return client.query("SELECT id FROM authorization_servers s WHERE NOT EXISTS (SELECT 1 FROM signing_keys k "
                        + "WHERE k.server_id = s.id AND k.status = 'CURRENT') ORDER BY seq").execute()
                .map(rows -> Rows.all(rows, r -> r.getString("id")));
    }

    private static Stored fromRow(Row row) {
        Buffer priv = row.getBuffer("private_encrypted");
        return new Stored(row.getString("kid"), row.getString("server_id"), row.getString("alg"),
                row.getString("public_jwk"), priv == null ? null : priv.getBytes(), row.getString("status"),
                Rows.instant(row, "created"), Rows.instant(row, "retired_at"));
    }
}
