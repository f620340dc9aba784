package dev.lanyard.server.directory;

import dev.lanyard.server.http.ApiException;
import dev.lanyard.server.http.Cursor;
import dev.lanyard.server.http.ErrorCode;
import dev.lanyard.server.http.Ids;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** SQL for users. */
public final class UserStore {
    static final String COLUMNS = "id, seq, login, email, display_name, status, version, created, updated, created_by";

    public Future<User> insert(SqlClient tx, UserRequests.Create req, String passwordHash, String createdBy) {
        var now = Rows.now();
        return tx.preparedQuery("INSERT INTO users (id, login, email, display_name, password_hash, status, created, updated, created_by) "
                        + "VALUES ($1, $2, $3, $4, $5, 'ACTIVE', $6, $6, $7) RETURNING " + COLUMNS)
                .execute(Tuple.tuple().addString(Ids.next("usr")).addString(req.login()).addString(req.email())
                        .addString(req.displayName()).addString(passwordHash).addOffsetDateTime(now).addString(createdBy))
                .recover(e -> Future.failedFuture(duplicate(e, "a user with login '" + req.login() + "' already exists")))
                .map(rows -> fromRow(rows.iterator().next()));
    }

    public Future<Optional<User>> get(SqlClient client, String id) {
        return client.preparedQuery("SELECT " + COLUMNS + " FROM users WHERE id = $1").execute(Tuple.of(id))
                .map(rows -> Rows.first(rows, UserStore::fromRow));
    }

    public Future<User> require(SqlClient client, String id) {
        return get(client, id).map(u -> u.orElseThrow(() -> ApiException.notFound("user " + id)));
    }

    public Future<List<User>> list(SqlClient client, Cursor cursor, UserStatus status, String loginPrefix) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM users WHERE seq > $1");
        Tuple args = Tuple.tuple().addLong(cursor.afterSeq());
        if (status != null) {
            args.addString(status.name());
            sql.append(" AND status = $").append(args.size());
        }
        if (loginPrefix != null) {
            args.addString(likePrefix(loginPrefix));
            sql.append(" AND lower(login) LIKE $").append(args.size()).append(" ESCAPE '\\'");
        }
        args.addInteger(cursor.limit());
        sql.append(" ORDER BY seq LIMIT $").append(args.size());
        return client.preparedQuery(sql.toString()).execute(args).map(rows -> Rows.all(rows, UserStore::fromRow));
    }

    public Future<User> update(SqlClient tx, String id, int expectedVersion, UserRequests.Update req, String passwordHash) {
        return tx.preparedQuery("UPDATE users SET email = coalesce($3, email), display_name = coalesce($4, display_name), "
                        + "password_hash = coalesce($5, password_hash), version = version + 1, updated = $6 "
                        + "WHERE id = $1 AND version = $2 RETURNING " + COLUMNS)
                .execute(Tuple.tuple().addString(id).addInteger(expectedVersion).addString(req.email())
                        .addString(req.displayName()).addString(passwordHash).addOffsetDateTime(Rows.now()))
                .compose(rows -> rows.size() == 1 ? Future.succeededFuture(fromRow(rows.iterator().next()))
                        : require(tx, id).map(u -> {
                            throw new ApiException(ErrorCode.PRECONDITION_FAILED, "user " + id + " is at version "
                                    + u.version() + ", not " + expectedVersion + "; read it again and retry");
                        }));
    }

    /** Moves a user to {@code to} if its status is one of {@code from}; otherwise 404 or a 409 naming both states. */
    public Future<User> transition(SqlClient tx, String id, Set<UserStatus> from, UserStatus to, String action) {
        String[] allowed = from.stream().map(Enum::name).toArray(String[]::new);
        return tx.preparedQuery("UPDATE users SET status = $2, version = version + 1, updated = $3 "
                        + "WHERE id = $1 AND status = ANY($4) RETURNING " + COLUMNS)
                .execute(Tuple.tuple().addString(id).addString(to.name()).addOffsetDateTime(Rows.now()).addArrayOfString(allowed))
                .compose(rows -> rows.size() == 1 ? Future.succeededFuture(fromRow(rows.iterator().next()))
                        : require(tx, id).map(u -> {
                            throw new ApiException(ErrorCode.LIFECYCLE, "Cannot " + action + " user " + id
                                    + ": it is " + u.status() + " (allowed from " + String.join(" or ", allowed) + ")");
                        }));
    }

    public Future<List<String>> ownedAgents(SqlClient client, String userId) {
        return client.preparedQuery("SELECT agent_id FROM agent_owners WHERE user_id = $1 ORDER BY agent_id").execute(Tuple.of(userId))
                .map(rows -> Rows.all(rows, r -> r.getString("agent_id")));
    }

    public Future<Void> delete(SqlClient tx, String id) {
        return tx.preparedQuery("DELETE FROM users WHERE id = $1").execute(Tuple.of(id)).mapEmpty();
    }

    static User fromRow(Row row) {
        return new User(row.getString("id"), row.getLong("seq"), row.getString("login"), row.getString("email"),
                row.getString("display_name"), UserStatus.valueOf(row.getString("status")), row.getInteger("version"),
                Rows.instant(row, "created"), Rows.instant(row, "updated"), row.getString("created_by"));
    }

    static String likePrefix(String prefix) {
        return prefix.toLowerCase(java.util.Locale.ROOT).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    }

    static Throwable duplicate(Throwable e, String message) {
        if (e instanceof PgException pg && "23505".equals(pg.getSqlState())) {
            return new ApiException(ErrorCode.DUPLICATE, message);
        }
        return e;
    }
}
