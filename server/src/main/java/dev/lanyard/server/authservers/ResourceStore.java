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
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * SQL for the resources an authorization server governs. Callers hold the server's row lock ({@code FOR UPDATE}),
 * which is what keeps connections consistent with the scopes resources define.
 */
public final class ResourceStore {
    private static final String COLUMNS = "id, server_id, uri, name, scopes, tags, version, created, updated";

    public Future<Resource> insert(SqlClient tx, String serverId, AuthServerRequests.ResourceCreate req) {
        String id = Ids.next("res");
        var now = Rows.now();
        return tx.preparedQuery("INSERT INTO resources (id, server_id, uri, name, scopes, tags, created, updated) "
                        + "VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING " + COLUMNS)
                .execute(Tuple.tuple().addString(id).addString(serverId).addString(req.uri()).addString(req.name())
                        .addArrayOfString(req.scopes().toArray(String[]::new))
                        .addArrayOfString(req.tags().toArray(String[]::new)).addOffsetDateTime(now))
                .recover(e -> Future.failedFuture(e instanceof PgException pg && "23505".equals(pg.getSqlState())
                        ? new ApiException(ErrorCode.DUPLICATE, "the resource " + req.uri() + " is already registered "
                                + "(each resource is governed by exactly one authorization server)")
                        : e))
                .map(rows -> fromRow(rows.iterator().next()));
    }

    public Future<List<Resource>> list(SqlClient client, String serverId) {
        return ofServers(client, new String[] {serverId});
    }

    public Future<List<Resource>> ofServers(SqlClient client, String[] serverIds) {
        return client.preparedQuery("SELECT " + COLUMNS + " FROM resources WHERE server_id = ANY($1) ORDER BY created, id")
                .execute(Tuple.of(serverIds)).map(rows -> Rows.all(rows, ResourceStore::fromRow));
    }

    public Future<Resource> require(SqlClient client, String serverId, String resourceId) {
        return client.preparedQuery("SELECT " + COLUMNS + " FROM resources WHERE server_id = $1 AND id = $2")
                .execute(Tuple.of(serverId, resourceId))
                .map(rows -> Rows.first(rows, ResourceStore::fromRow).orElseThrow(
                        () -> ApiException.notFound("resource " + resourceId + " of authorization server " + serverId)));
    }

    public Future<Resource> update(SqlClient tx, Resource current, int expectedVersion, AuthServerRequests.ResourcePatch p) {
        if (current.version() != expectedVersion) {
            return Future.failedFuture(new ApiException(ErrorCode.PRECONDITION_FAILED, "resource " + current.id()
                    + " is at version " + current.version() + ", not " + expectedVersion + "; read it again and retry"));
        }
        Future<Void> checked = p.scopes().isPresent()
                ? checkStillDefined(tx, current, p.scopes().get(), "change the scopes of") : Future.succeededFuture();
        return checked.compose(v -> tx.preparedQuery("UPDATE resources SET name = $2, scopes = $3, tags = $4, "
                        + "version = version + 1, updated = $5 WHERE id = $1 RETURNING " + COLUMNS)
                .execute(Tuple.tuple().addString(current.id()).addString(p.name().orElse(current.name()))
                        .addArrayOfString(p.scopes().orElse(current.scopes()).toArray(String[]::new))
                        .addArrayOfString(p.tags().orElse(current.tags()).toArray(String[]::new))
                        .addOffsetDateTime(Rows.now())))
                .map(rows -> fromRow(rows.iterator().next()));
    }

    /** Deletes a resource no connection names, and whose scopes no server-wide connection still needs. */
    public Future<Void> delete(SqlClient tx, Resource r) {
        return tx.preparedQuery("SELECT id FROM connections WHERE resource_id = $1 ORDER BY seq LIMIT 20")
                .execute(Tuple.of(r.id()))
                .compose(rows -> {
                    if (rows.size() > 0) {
                        throw new ApiException(ErrorCode.CONFLICT, "Cannot delete resource " + r.id()
                                + ": connections " + Rows.all(rows, x -> x.getString("id")) + " use it; delete them first");
                    }
                    return checkStillDefined(tx, r, null, "delete");
                })
                .compose(v -> tx.preparedQuery("DELETE FROM resources WHERE id = $1").execute(Tuple.of(r.id())))
                .<Void>mapEmpty()
                .recover(e -> Future.failedFuture(e instanceof PgException pg && "23503".equals(pg.getSqlState())
                        ? new ApiException(ErrorCode.CONFLICT, "Cannot delete resource " + r.id() + ": a connection uses it")
                        : e));
    }

    /**
     * A connection that lists scopes (INCLUDE_ONLY, EXCLUDE) lists only scopes its target defines: the resource it
     * names, or any resource of its server. Refuses a change of {@code r}'s scopes to {@code newScopes} (null: the
     * resource goes away) that would leave such a connection with a scope nothing defines.
     */
    private Future<Void> checkStillDefined(SqlClient tx, Resource r, List<String> newScopes, String action) {
        return tx.preparedQuery("SELECT scopes FROM resources WHERE server_id = $1 AND id <> $2")
                .execute(Tuple.of(r.serverId(), r.id()))
                .compose(others -> {
                    Set<String> serverWide = new LinkedHashSet<>();
                    others.forEach(row -> serverWide.addAll(Rows.strings(row, "scopes")));
                    List<String> own = newScopes == null ? List.of() : newScopes;
                    serverWide.addAll(own);
                    return tx.preparedQuery("SELECT id, resource_id, scopes FROM connections WHERE server_id = $1 "
                                    + "AND scope_condition <> 'ALL_SCOPES' AND (resource_id = $2 OR resource_id IS NULL) "
                                    + "ORDER BY seq")
                            .execute(Tuple.of(r.serverId(), r.id()))
                            .map(conns -> {
                                List<String> problems = new ArrayList<>();
                                for (Row c : conns) {
                                    Set<String> defined = c.getString("resource_id") == null ? serverWide : Set.copyOf(own);
                                    List<String> missing = new ArrayList<>(Rows.strings(c, "scopes"));
                                    missing.removeAll(defined);
                                    if (!missing.isEmpty()) {
                                        problems.add(c.getString("id") + " uses " + missing);
                                    }
                                }
                                if (!problems.isEmpty()) {
                                    throw new ApiException(ErrorCode.CONFLICT, "Cannot " + action + " resource " + r.id()
                                            + ": connections would be left with scopes nothing defines ("
                                            + String.join("; ", problems) + "); change those connections first");
                                }
                                return null;
                            });
                });
    }

    static Resource fromRow(Row row) {
        return new Resource(row.getString("id"), row.getString("server_id"), row.getString("uri"), row.getString("name"),
                Rows.strings(row, "scopes"), Rows.strings(row, "tags"), row.getInteger("version"),
                Rows.instant(row, "created"), Rows.instant(row, "updated"));
    }
}
