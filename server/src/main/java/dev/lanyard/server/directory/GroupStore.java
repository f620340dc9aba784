package dev.lanyard.server.directory;

import dev.lanyard.server.http.ApiException;
import dev.lanyard.server.http.Cursor;
import dev.lanyard.server.http.ErrorCode;
import dev.lanyard.server.http.Ids;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.Optional;

/** SQL for groups and their members. */
public final class GroupStore {
    private static final String COLUMNS = "id, seq, name, description, version, created, updated, created_by";

    public Future<Group> insert(SqlClient tx, GroupRequests.Create req, String createdBy) {
        var now = Rows.now();
        return tx.preparedQuery("INSERT INTO groups (id, name, description, created, updated, created_by) "
                        + "VALUES ($1, $2, $3, $4, $4, $5) RETURNING " + COLUMNS)
                .execute(Tuple.tuple().addString(Ids.next("grp")).addString(req.name())
                        .addString(req.description() == null ? "" : req.description()).addOffsetDateTime(now).addString(createdBy))
                .recover(e -> Future.failedFuture(UserStore.duplicate(e, "a group named '" + req.name() + "' already exists")))
                .map(rows -> fromRow(rows.iterator().next()));
    }

    public Future<Optional<Group>> get(SqlClient client, String id) {
        return client.preparedQuery("SELECT " + COLUMNS + " FROM groups WHERE id = $1").execute(Tuple.of(id))
                .map(rows -> Rows.first(rows, GroupStore::fromRow));
    }

    public Future<Group> require(SqlClient client, String id) {
        return get(client, id).map(g -> g.orElseThrow(() -> ApiException.notFound("group " + id)));
    }

    public Future<List<Group>> list(SqlClient client, Cursor cursor, String namePrefix) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM groups WHERE seq > $1");
        Tuple args = Tuple.tuple().addLong(cursor.afterSeq());
        if (namePrefix != null) {
            args.addString(UserStore.likePrefix(namePrefix));
            sql.append(" AND lower(name) LIKE $").append(args.size()).append(" ESCAPE '\\'");
        }
        args.addInteger(cursor.limit());
        sql.append(" ORDER BY seq LIMIT $").append(args.size());
        return client.preparedQuery(sql.toString()).execute(args).map(rows -> Rows.all(rows, GroupStore::fromRow));
    }

    public Future<Group> update(SqlClient tx, String id, int expectedVersion, GroupRequests.Update req) {
        return tx.preparedQuery("UPDATE groups SET name = coalesce($3, name), description = coalesce($4, description), "
                        + "version = version + 1, updated = $5 WHERE id = $1 AND version = $2 RETURNING " + COLUMNS)
                .execute(Tuple.tuple().addString(id).addInteger(expectedVersion).addString(req.name())
                        .addString(req.description()).addOffsetDateTime(Rows.now()))
                .recover(e -> Future.failedFuture(UserStore.duplicate(e, "a group named '" + req.name() + "' already exists")))
                .compose(rows -> rows.size() == 1 ? Future.succeededFuture(fromRow(rows.iterator().next()))
                        : require(tx, id).map(g -> {
                            throw new ApiException(ErrorCode.PRECONDITION_FAILED, "group " + id + " is at version "
                                    + g.version() + ", not " + expectedVersion + "; read it again and retry");
                        }));
    }

    public Future<Void> delete(SqlClient tx, String id) {
        return tx.preparedQuery("SELECT id FROM agents WHERE owner_group_id = $1 ORDER BY id").execute(Tuple.of(id))
                .compose(rows -> {
                    if (rows.size() > 0) {
                        throw new ApiException(ErrorCode.CONFLICT, "Cannot delete group " + id + ": it owns AI agents "
                                + Rows.all(rows, r -> r.getString("id")) + "; assign another owner group first");
                    }
                    return tx.preparedQuery("DELETE FROM groups WHERE id = $1").execute(Tuple.of(id));
                }).mapEmpty();
    }

    public Future<Boolean> addMember(SqlClient tx, String groupId, String userId) {
        return tx.preparedQuery("INSERT INTO group_members (group_id, user_id, added) VALUES ($1, $2, $3) "
                        + "ON CONFLICT DO NOTHING")
                .execute(Tuple.of(groupId, userId, Rows.now())).map(r -> r.rowCount() == 1);
    }

    public Future<Boolean> removeMember(SqlClient tx, String groupId, String userId) {
        return tx.preparedQuery("DELETE FROM group_members WHERE group_id = $1 AND user_id = $2")
                .execute(Tuple.of(groupId, userId)).map(r -> r.rowCount() == 1);
    }

    public Future<List<User>> members(SqlClient client, String groupId, Cursor cursor) {
        return client.preparedQuery("SELECT " + prefixed("u", UserStore.COLUMNS) + " FROM users u JOIN group_members m "
                        + "ON m.user_id = u.id WHERE m.group_id = $1 AND u.seq > $2 ORDER BY u.seq LIMIT $3")
                .execute(Tuple.of(groupId, cursor.afterSeq(), cursor.limit()))
                .map(rows -> Rows.all(rows, UserStore::fromRow));
    }

    public Future<List<String>> groupsOf(SqlClient client, String userId) {
        return client.preparedQuery("SELECT group_id FROM group_members WHERE user_id = $1 ORDER BY group_id")
                .execute(Tuple.of(userId)).map(rows -> Rows.all(rows, r -> r.getString("group_id")));
    }

    private static String prefixed(String alias, String columns) {
        return alias + "." + columns.replace(", ", ", " + alias + ".");
    }

    static Group fromRow(Row row) {
        return new Group(row.getString("id"), row.getLong("seq"), row.getString("name"), row.getString("description"),
                row.getInteger("version"), Rows.instant(row, "created"), Rows.instant(row, "updated"),
                row.getString("created_by"));
    }
}
