package dev.lanyard.server.connections;

import dev.lanyard.server.authservers.AuthServerStore;
import dev.lanyard.server.authservers.Resource;
import dev.lanyard.server.authservers.ResourceStore;
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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** SQL for agent connections, read with their server and resource expanded. */
public final class ConnectionStore {
    private static final String SELECT = "SELECT c.id, c.seq, c.agent_id, c.server_id, s.name AS server_name, "
            + "c.resource_id, r.uri AS resource_uri, c.connection_type, c.scope_condition, c.scopes, c.status, c.version, "
            + "c.created, c.updated, c.created_by FROM connections c "
            + "JOIN authorization_servers s ON s.id = c.server_id LEFT JOIN resources r ON r.id = c.resource_id ";
    private final AuthServerStore servers;
    private final ResourceStore resources;

    public ConnectionStore(AuthServerStore servers, ResourceStore resources) {
        this.servers = servers;
        this.resources = resources;
    }

    /** Filters of the connection list. */
    public record Filter(ConnectionStatus status) {}

    /**
     * Locks the agent against deletion (key share) for the rest of the transaction; 404 if there is none. Deleting an
     * agent deletes its connections, so a connection must never be written for an agent on its way out.
     */
    public Future<Void> lockAgent(SqlClient tx, String agentId) {
        return tx.preparedQuery("SELECT id FROM agents WHERE id = $1 FOR KEY SHARE").execute(Tuple.of(agentId))
                .map(rows -> {
                    if (rows.size() == 0) {
                        throw ApiException.notFound("AI agent " + agentId);
                    }
                    return null;
                });
    }

    public Future<Void> requireAgent(SqlClient client, String agentId) {
        return client.preparedQuery("SELECT 1 FROM agents WHERE id = $1").execute(Tuple.of(agentId)).map(rows -> {
            if (rows.size() == 0) {
                throw ApiException.notFound("AI agent " + agentId);
            }
            return null;
        });
    }

    /**
     * The scopes the connection's target defines: its resource's, or (no resource) those of every resource of the
     * server. Takes a share lock on the server row, so neither the server nor its resources change until commit.
     */
    public Future<Set<String>> targetScopes(SqlClient tx, String serverId, String resourceId) {
        return tx.preparedQuery("SELECT id FROM authorization_servers WHERE id = $1 FOR SHARE").execute(Tuple.of(serverId))
                .compose(rows -> {
                    if (rows.size() == 0) {
                        throw ApiException.invalid("authorization_server_id " + serverId + " is not an authorization server");
                    }
                    return resources.list(tx, serverId);
                })
                .map(list -> {
                    Set<String> defined = new LinkedHashSet<>();
                    if (resourceId == null) {
                        list.forEach(r -> defined.addAll(r.scopes()));
                        return defined;
                    }
                    Resource r = list.stream().filter(x -> x.id().equals(resourceId)).findFirst()
                            .orElseThrow(() -> ApiException.invalid("resource_id " + resourceId
                                    + " is not a resource of authorization server " + serverId));
                    defined.addAll(r.scopes());
                    return defined;
                });
    }

    public Future<Connection> insert(SqlClient tx, String agentId, ConnectionRequests.Create req, String createdBy) {
        String id = Ids.next("con");
        var now = Rows.now();
        return tx.preparedQuery("INSERT INTO connections (id, agent_id, server_id, resource_id, connection_type, "
                        + "scope_condition, scopes, status, created, updated, created_by) "
                        + "VALUES ($1, $2, $3, $4, $5, $6, $7, 'ACTIVE', $8, $8, $9)")
                .execute(Tuple.tuple().addString(id).addString(agentId).addString(req.authorizationServerId())
                        .addString(req.resourceId()).addString(req.connectionType().name())
                        .addString(req.scopeCondition().name()).addArrayOfString(req.scopes().toArray(String[]::new))
                        .addOffsetDateTime(now).addString(createdBy))
                .recover(e -> {
                    if (e instanceof PgException pg && "23505".equals(pg.getSqlState())) {
                        return Future.failedFuture(new ApiException(ErrorCode.DUPLICATE, "AI agent " + agentId
                                + " already has a " + req.connectionType().wire() + " connection to "
                                + (req.resourceId() == null ? "every resource of " : "resource " + req.resourceId() + " of ")
                                + "authorization server " + req.authorizationServerId()));
                    }
                    if (e instanceof PgException pg && "23503".equals(pg.getSqlState())) {
                        return Future.failedFuture(new ApiException(ErrorCode.CONFLICT,
                                "The agent, server or resource of this connection was deleted meanwhile; retry"));
                    }
                    return Future.failedFuture(e);
                })
                .compose(v -> require(tx, agentId, id));
    }

    public Future<Optional<Connection>> get(SqlClient client, String agentId, String id) {
        return client.preparedQuery(SELECT + "WHERE c.agent_id = $1 AND c.id = $2").execute(Tuple.of(agentId, id))
                .map(rows -> Rows.first(rows, this::fromRow));
    }

    public Future<Connection> require(SqlClient client, String agentId, String id) {
        return get(client, agentId, id).map(c -> c.orElseThrow(
                () -> ApiException.notFound("connection " + id + " of AI agent " + agentId)));
    }

    /** Locks the connection's row for the rest of the transaction. */
    public Future<Connection> lock(SqlClient tx, String agentId, String id) {
        return tx.preparedQuery("SELECT id FROM connections WHERE agent_id = $1 AND id = $2 FOR UPDATE")
                .execute(Tuple.of(agentId, id))
                .compose(rows -> {
                    if (rows.size() == 0) {
                        throw ApiException.notFound("connection " + id + " of AI agent " + agentId);
                    }
                    return require(tx, agentId, id);
                });
    }

    public Future<List<Connection>> list(SqlClient client, String agentId, Cursor cursor, Filter f) {
        StringBuilder sql = new StringBuilder(SELECT + "WHERE c.agent_id = $1 AND c.seq > $2");
        Tuple args = Tuple.tuple().addString(agentId).addLong(cursor.afterSeq());
        if (f.status() != null) {
            args.addString(f.status().name());
            sql.append(" AND c.status = $").append(args.size());
        }
        args.addInteger(cursor.limit());
        sql.append(" ORDER BY c.seq LIMIT $").append(args.size());
        return client.preparedQuery(sql.toString()).execute(args).map(rows -> Rows.all(rows, this::fromRow));
    }

    public static void checkVersion(Connection current, int expectedVersion) {
        if (current.version() != expectedVersion) {
            throw new ApiException(ErrorCode.PRECONDITION_FAILED, "connection " + current.id()
                    + " is at version " + current.version() + ", not " + expectedVersion + "; read it again and retry");
        }
    }

    public Future<Connection> updateScopes(SqlClient tx, Connection current, int expectedVersion, ConnectionRequests.Patch p) {
        checkVersion(current, expectedVersion);
        return tx.preparedQuery("UPDATE connections SET scope_condition = $2, scopes = $3, version = version + 1, "
                        + "updated = $4 WHERE id = $1")
                .execute(Tuple.tuple().addString(current.id()).addString(p.scopeCondition().name())
                        .addArrayOfString(p.scopes().toArray(String[]::new)).addOffsetDateTime(Rows.now()))
                .compose(v -> require(tx, current.agentId(), current.id()));
    }

    public Future<Connection> setStatus(SqlClient tx, Connection c, ConnectionStatus status) {
        return tx.preparedQuery("UPDATE connections SET status = $2, version = version + 1, updated = $3 WHERE id = $1")
                .execute(Tuple.of(c.id(), status.name(), Rows.now()))
                .compose(v -> require(tx, c.agentId(), c.id()));
    }

    public Future<Void> delete(SqlClient tx, String id) {
        return tx.preparedQuery("DELETE FROM connections WHERE id = $1").execute(Tuple.of(id)).mapEmpty();
    }

    private Connection fromRow(Row row) {
        String serverId = row.getString("server_id");
        String resourceId = row.getString("resource_id");
        return new Connection(row.getString("id"), row.getLong("seq"), row.getString("agent_id"),
                new Connection.ServerRef(serverId, row.getString("server_name"), servers.issuer(serverId)),
                resourceId == null ? null : new Connection.ResourceRef(resourceId, row.getString("resource_uri")),
                ConnectionType.valueOf(row.getString("connection_type")),
                ScopeCondition.valueOf(row.getString("scope_condition")), Rows.strings(row, "scopes"),
                ConnectionStatus.valueOf(row.getString("status")), row.getInteger("version"),
                Rows.instant(row, "created"), Rows.instant(row, "updated"), row.getString("created_by"));
    }
}
