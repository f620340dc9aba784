package dev.lanyard.server.apps;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanyard.server.directory.Rows;
import dev.lanyard.server.http.ApiException;
import dev.lanyard.server.http.Cursor;
import dev.lanyard.server.http.ErrorCode;
import dev.lanyard.server.http.Ids;
import dev.lanyard.server.http.Json;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.Optional;

/** SQL for sign-on apps. */
public final class AppStore {
    private static final String COLUMNS = "a.id, a.seq, a.name, a.client_type, a.token_endpoint_auth_method, a.jwks, "
            + "a.redirect_uris, a.status, a.version, a.created, a.updated, a.created_by, "
            + "array(SELECT g.id FROM agents g WHERE g.linked_app_id = a.id ORDER BY g.seq) AS linked_agents";

    /** Inserts the app; {@code secretHash} is the SHA-256 of its client secret (client_secret_basic only). */
    public Future<App> insert(SqlClient tx, AppRequests.Create req, String secretHash, String createdBy) {
        String id = Ids.next("app");
        var now = Rows.now();
        return tx.preparedQuery("INSERT INTO apps (id, name, client_type, token_endpoint_auth_method, client_secret_hash, "
                        + "jwks, redirect_uris, status, created, updated, created_by) "
                        + "VALUES ($1, $2, $3, $4, $5, $6, $7, 'ACTIVE', $8, $8, $9)")
                .execute(Tuple.tuple().addString(id).addString(req.name()).addString(req.clientType().name())
                        .addString(req.tokenEndpointAuthMethod().wire()).addString(secretHash)
                        .addString(req.jwks() == null ? null : req.jwks().toString())
                        .addArrayOfString(req.redirectUris().toArray(String[]::new))
                        .addOffsetDateTime(now).addString(createdBy))
                .recover(e -> Future.failedFuture(duplicateName(e, req.name())))
                .compose(v -> require(tx, id));
    }

    public Future<Optional<App>> get(SqlClient client, String id) {
        return client.preparedQuery("SELECT " + COLUMNS + " FROM apps a WHERE a.id = $1").execute(Tuple.of(id))
                .map(rows -> Rows.first(rows, AppStore::fromRow));
    }

    public Future<App> require(SqlClient client, String id) {
        return get(client, id).map(a -> a.orElseThrow(() -> ApiException.notFound("app " + id)));
    }

    /** Locks the app's row for the rest of the transaction (updates, lifecycle, delete serialise on it). */
    public Future<App> lock(SqlClient tx, String id) {
        return tx.preparedQuery("SELECT id FROM apps WHERE id = $1 FOR UPDATE").execute(Tuple.of(id))
                .compose(rows -> {
                    if (rows.size() == 0) {
                        throw ApiException.notFound("app " + id);
                    }
                    return require(tx, id);
                });
    }

    public Future<List<App>> list(SqlClient client, Cursor cursor, AppStatus status) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM apps a WHERE a.seq > $1");
        Tuple args = Tuple.tuple().addLong(cursor.afterSeq());
        if (status != null) {
            args.addString(status.name());
            sql.append(" AND a.status = $").append(args.size());
        }
        args.addInteger(cursor.limit());
        sql.append(" ORDER BY a.seq LIMIT $").append(args.size());
        return client.preparedQuery(sql.toString()).execute(args).map(rows -> Rows.all(rows, AppStore::fromRow));
    }

    public Future<App> update(SqlClient tx, App current, int expectedVersion, AppRequests.Patch p) {
        if (current.version() != expectedVersion) {
            return Future.failedFuture(new ApiException(ErrorCode.PRECONDITION_FAILED, "app " + current.id()
                    + " is at version " + current.version() + ", not " + expectedVersion + "; read it again and retry"));
        }
        JsonNode jwks;
        try {
            jwks = p.jwks().isPresent()
                    ? AppRequests.jwksFor(current.tokenEndpointAuthMethod(), p.jwks().get().isNull() ? null : p.jwks().get())
                    : current.jwks();
        } catch (IllegalArgumentException e) {
            return Future.failedFuture(ApiException.invalid(e.getMessage()));
        }
        String name = p.name().orElse(current.name());
        return tx.preparedQuery("UPDATE apps SET name = $2, redirect_uris = $3, jwks = $4, version = version + 1, "
                        + "updated = $5 WHERE id = $1")
                .execute(Tuple.tuple().addString(current.id()).addString(name)
                        .addArrayOfString(p.redirectUris().orElse(current.redirectUris()).toArray(String[]::new))
                        .addString(jwks == null ? null : jwks.toString()).addOffsetDateTime(Rows.now()))
                .recover(e -> Future.failedFuture(duplicateName(e, name)))
                .compose(v -> require(tx, current.id()));
    }

    public Future<App> setStatus(SqlClient tx, String id, AppStatus status) {
        return tx.preparedQuery("UPDATE apps SET status = $2, version = version + 1, updated = $3 WHERE id = $1")
                .execute(Tuple.of(id, status.name(), Rows.now()))
                .compose(v -> require(tx, id));
    }

    public Future<App> setSecretHash(SqlClient tx, String id, String secretHash) {
        return tx.preparedQuery("UPDATE apps SET client_secret_hash = $2, version = version + 1, updated = $3 WHERE id = $1")
                .execute(Tuple.of(id, secretHash, Rows.now()))
                .compose(v -> require(tx, id));
    }

    /** The stored SHA-256 (hex) of the app's client secret, or empty when it has none (for the token endpoint). */
    public Future<Optional<String>> secretHash(SqlClient client, String id) {
        return client.preparedQuery("SELECT client_secret_hash FROM apps WHERE id = $1").execute(Tuple.of(id))
                .map(rows -> Rows.first(rows, r -> r.getString("client_secret_hash")).filter(h -> h != null));
    }

    public Future<Void> delete(SqlClient tx, String id) {
        return tx.preparedQuery("DELETE FROM apps WHERE id = $1").execute(Tuple.of(id)).<Void>mapEmpty()
                .recover(e -> Future.failedFuture(e instanceof PgException pg && "23503".equals(pg.getSqlState())
                        ? new ApiException(ErrorCode.CONFLICT, "Cannot delete app " + id + ": an AI agent links to it")
                        : e));
    }

    private static Throwable duplicateName(Throwable e, String name) {
        if (e instanceof PgException pg && "23505".equals(pg.getSqlState())) {
            return new ApiException(ErrorCode.DUPLICATE, "an app named '" + name + "' already exists");
        }
        return e;
    }

    static App fromRow(Row row) {
        String jwks = row.getString("jwks");
        return new App(row.getString("id"), row.getLong("seq"), row.getString("name"),
                ClientType.valueOf(row.getString("client_type")),
                AuthMethod.fromWire(row.getString("token_endpoint_auth_method")),
                Rows.strings(row, "redirect_uris"), jwks == null ? null : Json.tree(jwks),
                AppStatus.valueOf(row.getString("status")), Rows.strings(row, "linked_agents"),
                row.getInteger("version"), Rows.instant(row, "created"), Rows.instant(row, "updated"),
                row.getString("created_by"));
    }
}
