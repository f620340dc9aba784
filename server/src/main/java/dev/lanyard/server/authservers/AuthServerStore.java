package dev.lanyard.server.authservers;

import dev.lanyard.server.directory.Rows;
import dev.lanyard.server.http.ApiException;
import dev.lanyard.server.http.Cursor;
import dev.lanyard.server.http.ErrorCode;
import dev.lanyard.server.http.Ids;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** SQL for resource authorization servers; each is read with its resources and trusted issuers. */
public final class AuthServerStore {
    private static final String COLUMNS = "id, seq, name, description, access_token_ttl_seconds, status, version, "
            + "created, updated, created_by";
    private final String baseUrl;
    private final ResourceStore resources;
    private final TrustedIssuerStore trustedIssuers;

    /** {@code baseUrl}: the server's public base URL (LANYARD_BASE_URL), without a trailing slash. */
    public AuthServerStore(String baseUrl, ResourceStore resources, TrustedIssuerStore trustedIssuers) {
        this.baseUrl = baseUrl;
        this.resources = resources;
        this.trustedIssuers = trustedIssuers;
    }

    /** The issuer of resource authorization server {@code id}: {@code {base}/oauth2/{id}}. */
    public String issuer(String id) {
        return issuer(baseUrl, id);
    }

    public static String issuer(String baseUrl, String id) {
        return baseUrl + "/oauth2/" + id;
    }

    /**
     * Where its RFC 8414 metadata is: {@code /.well-known/oauth-authorization-server} inserted between the host and the
     * issuer's path (RFC 8414 §3.1) — {@code {base}/.well-known/oauth-authorization-server/oauth2/{id}} when the base
     * URL has no path.
     */
    public String metadataUrl(String id) {
        URI issuer = URI.create(issuer(id));
        return issuer.getScheme() + "://" + issuer.getRawAuthority() + "/.well-known/oauth-authorization-server"
                + issuer.getRawPath();
    }

    public Future<AuthServer> insert(SqlClient tx, AuthServerRequests.Create req, String createdBy) {
        String id = Ids.next("aus");
        var now = Rows.now();
        return tx.preparedQuery("INSERT INTO authorization_servers (id, name, description, access_token_ttl_seconds, "
                        + "status, created, updated, created_by) VALUES ($1, $2, $3, $4, 'ACTIVE', $5, $5, $6)")
                .execute(Tuple.tuple().addString(id).addString(req.name()).addString(req.description())
                        .addInteger(req.accessTokenTtlSeconds()).addOffsetDateTime(now).addString(createdBy))
                .recover(e -> Future.failedFuture(duplicateName(e, req.name())))
                .compose(v -> require(tx, id));
    }

    public Future<Optional<AuthServer>> get(SqlClient client, String id) {
        return client.preparedQuery("SELECT " + COLUMNS + " FROM authorization_servers WHERE id = $1").execute(Tuple.of(id))
                .compose(rows -> {
                    Optional<AuthServer> s = Rows.first(rows, this::fromRow);
                    return s.isEmpty() ? Future.succeededFuture(s) : expand(client, List.of(s.get())).map(l -> Optional.of(l.get(0)));
                });
    }

    public Future<AuthServer> require(SqlClient client, String id) {
        return get(client, id).map(s -> s.orElseThrow(() -> ApiException.notFound("authorization server " + id)));
    }

    /**
     * Locks the server's row: {@code FOR UPDATE} for changes of the server or its resources, {@code FOR SHARE} for
     * connections being made to it, so a connection is checked against resources that can't change under it.
     */
    public Future<AuthServer> lock(SqlClient tx, String id, boolean exclusive) {
        return tx.preparedQuery("SELECT id FROM authorization_servers WHERE id = $1 FOR " + (exclusive ? "UPDATE" : "SHARE"))
                .execute(Tuple.of(id))
                .compose(rows -> {
                    if (rows.size() == 0) {
                        throw ApiException.notFound("authorization server " + id);
                    }
                    return require(tx, id);
                });
    }

    public Future<List<AuthServer>> list(SqlClient client, Cursor cursor, ServerStatus status) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM authorization_servers WHERE seq > $1");
        Tuple args = Tuple.tuple().addLong(cursor.afterSeq());
        if (status != null) {
            args.addString(status.name());
            sql.append(" AND status = $").append(args.size());
        }
        args.addInteger(cursor.limit());
        sql.append(" ORDER BY seq LIMIT $").append(args.size());
        return client.preparedQuery(sql.toString()).execute(args)
                .compose(rows -> expand(client, Rows.all(rows, this::fromRow)));
    }

    public Future<AuthServer> update(SqlClient tx, AuthServer current, int expectedVersion, AuthServerRequests.Patch p) {
        if (current.version() != expectedVersion) {
            return Future.failedFuture(new ApiException(ErrorCode.PRECONDITION_FAILED, "authorization server "
                    + current.id() + " is at version " + current.version() + ", not " + expectedVersion
                    + "; read it again and retry"));
        }
        String name = p.name().orElse(current.name());
        return tx.preparedQuery("UPDATE authorization_servers SET name = $2, description = $3, "
                        + "access_token_ttl_seconds = $4, version = version + 1, updated = $5 WHERE id = $1")
                .execute(Tuple.tuple().addString(current.id()).addString(name)
                        .addString(p.description().orElse(current.description()))
                        .addInteger(p.accessTokenTtlSeconds().orElse(current.accessTokenTtlSeconds()))
                        .addOffsetDateTime(Rows.now()))
                .recover(e -> Future.failedFuture(duplicateName(e, name)))
                .compose(v -> require(tx, current.id()));
    }

    public Future<AuthServer> setStatus(SqlClient tx, String id, ServerStatus status) {
        return tx.preparedQuery("UPDATE authorization_servers SET status = $2, version = version + 1, updated = $3 WHERE id = $1")
                .execute(Tuple.of(id, status.name(), Rows.now()))
                .compose(v -> require(tx, id));
    }

    /** Ids of the connections made to this server (any status, any agent). */
    public Future<List<String>> connections(SqlClient client, String id) {
        return client.preparedQuery("SELECT id FROM connections WHERE server_id = $1 ORDER BY seq LIMIT 20")
                .execute(Tuple.of(id)).map(rows -> Rows.all(rows, r -> r.getString("id")));
    }

    /** Deletes the server with its resources and trusted issuers (connections must be gone already). */
    public Future<Void> delete(SqlClient tx, String id) {
        return tx.preparedQuery("DELETE FROM authorization_servers WHERE id = $1").execute(Tuple.of(id)).<Void>mapEmpty()
                .recover(e -> Future.failedFuture(e instanceof PgException pg && "23503".equals(pg.getSqlState())
                        ? new ApiException(ErrorCode.CONFLICT, "Cannot delete authorization server " + id
                                + ": connections still use it")
                        : e));
    }

    private Future<List<AuthServer>> expand(SqlClient client, List<AuthServer> servers) {
        if (servers.isEmpty()) {
            return Future.succeededFuture(servers);
        }
        String[] ids = servers.stream().map(AuthServer::id).toArray(String[]::new);
        return resources.ofServers(client, ids).compose(res -> trustedIssuers.ofServers(client, ids).map(tis -> {
            Map<String, List<Resource>> byServer = new HashMap<>();
            res.forEach(r -> byServer.computeIfAbsent(r.serverId(), k -> new ArrayList<>()).add(r));
            Map<String, List<TrustedIssuer>> tisByServer = new HashMap<>();
            tis.forEach(t -> tisByServer.computeIfAbsent(t.serverId(), k -> new ArrayList<>()).add(t));
            List<AuthServer> out = new ArrayList<>(servers.size());
            for (AuthServer s : servers) {
                out.add(s.with(List.copyOf(byServer.getOrDefault(s.id(), List.of())),
                        List.copyOf(tisByServer.getOrDefault(s.id(), List.of()))));
            }
            return out;
        }));
    }

    private static Throwable duplicateName(Throwable e, String name) {
        if (e instanceof PgException pg && "23505".equals(pg.getSqlState())) {
            return new ApiException(ErrorCode.DUPLICATE, "an authorization server named '" + name + "' already exists");
        }
        return e;
    }

    private AuthServer fromRow(Row row) {
        String id = row.getString("id");
        return new AuthServer(id, row.getLong("seq"), row.getString("name"), row.getString("description"),
                issuer(id), metadataUrl(id), row.getInteger("access_token_ttl_seconds"),
                ServerStatus.valueOf(row.getString("status")), List.of(), List.of(), row.getInteger("version"),
                Rows.instant(row, "created"), Rows.instant(row, "updated"), row.getString("created_by"));
    }
}
