package dev.lanyard.server.authservers;

import dev.lanyard.server.directory.Rows;
import dev.lanyard.server.http.ApiException;
import dev.lanyard.server.http.ErrorCode;
import dev.lanyard.server.http.Ids;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.List;

/** SQL for the external issuers an authorization server trusts. */
public final class TrustedIssuerStore {
    private static final String COLUMNS = "id, server_id, issuer, jwks_uri, created";

    public Future<TrustedIssuer> insert(SqlClient tx, String serverId, AuthServerRequests.TrustedIssuerCreate req) {
        return tx.preparedQuery("INSERT INTO trusted_issuers (id, server_id, issuer, jwks_uri, created) "
                        + "VALUES ($1, $2, $3, $4, $5) RETURNING " + COLUMNS)
                .execute(Tuple.tuple().addString(Ids.next("tis")).addString(serverId).addString(req.issuer())
                        .addString(req.jwksUri()).addOffsetDateTime(Rows.now()))
                .recover(e -> Future.failedFuture(e instanceof PgException pg && "23505".equals(pg.getSqlState())
                        ? new ApiException(ErrorCode.DUPLICATE, "authorization server " + serverId + " already trusts "
                                + req.issuer())
                        : e))
                .map(rows -> fromRow(rows.iterator().next()));
    }

    public Future<List<TrustedIssuer>> list(SqlClient client, String serverId) {
        return ofServers(client, new String[] {serverId});
    }

    public Future<List<TrustedIssuer>> ofServers(SqlClient client, String[] serverIds) {
        return client.preparedQuery("SELECT " + COLUMNS + " FROM trusted_issuers WHERE server_id = ANY($1) ORDER BY created, id")
                .execute(Tuple.of(serverIds)).map(rows -> Rows.all(rows, TrustedIssuerStore::fromRow));
    }

    public Future<TrustedIssuer> require(SqlClient client, String serverId, String id) {
        return client.preparedQuery("SELECT " + COLUMNS + " FROM trusted_issuers WHERE server_id = $1 AND id = $2")
                .execute(Tuple.of(serverId, id))
                .map(rows -> Rows.first(rows, TrustedIssuerStore::fromRow).orElseThrow(
                        () -> ApiException.notFound("trusted issuer " + id + " of authorization server " + serverId)));
    }

    public Future<Void> delete(SqlClient tx, String id) {
        return tx.preparedQuery("DELETE FROM trusted_issuers WHERE id = $1").execute(Tuple.of(id)).mapEmpty();
    }

    static TrustedIssuer fromRow(Row row) {
        return new TrustedIssuer(row.getString("id"), row.getString("server_id"), row.getString("issuer"),
                row.getString("jwks_uri"), Rows.instant(row, "created"));
    }
}
