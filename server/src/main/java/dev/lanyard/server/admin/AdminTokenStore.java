package dev.lanyard.server.admin;

import dev.lanyard.server.http.Ids;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** SQL for admin tokens. */
public final class AdminTokenStore {
    private static final String COLUMNS = "id, name, role, created, created_by, expires_at, last_used";

    public Future<AdminToken> insert(SqlClient client, String name, Role role, Instant expiresAt, String createdBy, String secret) {
        String id = Ids.next("atk");
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        return client.preparedQuery("INSERT INTO admin_tokens (id, name, role, token_hash, created, created_by, expires_at) "
                        + "VALUES ($1, $2, $3, $4, $5, $6, $7)")
                .execute(Tuple.tuple().addString(id).addString(name).addString(role.wire())
                        .addString(AdminTokenSecret.hash(secret)).addOffsetDateTime(now.atOffset(ZoneOffset.UTC))
                        .addString(createdBy).addOffsetDateTime(expiresAt == null ? null : expiresAt.atOffset(ZoneOffset.UTC)))
                .map(r -> new AdminToken(id, name, role, now, createdBy, expiresAt, null, secret));
    }

    public Future<Optional<AdminPrincipal>> authenticate(SqlClient client, String secret) {
        return client.preparedQuery("SELECT id, name, role FROM admin_tokens WHERE token_hash = $1 "
                        + "AND (expires_at IS NULL OR expires_at > now())")
                .execute(Tuple.of(AdminTokenSecret.hash(secret)))
                .map(rows -> {
                    if (rows.size() == 0) {
                        return Optional.empty();
                    }
                    Row row = rows.iterator().next();
                    return Optional.of(new AdminPrincipal(row.getString("id"), row.getString("name"),
                            Role.fromWire(row.getString("role"))));
                });
    }

    public Future<List<AdminToken>> list(SqlClient client) {
        return client.query("SELECT " + COLUMNS + " FROM admin_tokens ORDER BY created, id").execute().map(rows -> {
            List<AdminToken> out = new ArrayList<>();
            rows.forEach(row -> out.add(fromRow(row)));
            return out;
        });
    }

    public Future<Optional<AdminToken>> get(SqlClient client, String id) {
        return client.preparedQuery("SELECT " + COLUMNS + " FROM admin_tokens WHERE id = $1 FOR UPDATE").execute(Tuple.of(id))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(fromRow(rows.iterator().next())));
    }

    /** Counts admin-role tokens other than {@code exceptId} that can still be used. */
    public Future<Long> countOtherUsableAdmins(SqlClient client, String exceptId) {
        return client.preparedQuery("SELECT count(*) AS n FROM admin_tokens WHERE role = 'admin' AND id <> $1 "
                        + "AND (expires_at IS NULL OR expires_at > now())")
                .execute(Tuple.of(exceptId)).map(rows -> rows.iterator().next().getLong("n"));
    }

    public Future<Void> delete(SqlClient client, String id) {
        return client.preparedQuery("DELETE FROM admin_tokens WHERE id = $1").execute(Tuple.of(id)).mapEmpty();
    }

    public Future<Boolean> isEmpty(SqlClient client) {
        return client.query("SELECT NOT EXISTS (SELECT 1 FROM admin_tokens) AS empty").execute()
                .map(rows -> rows.iterator().next().getBoolean("empty"));
    }

    private static AdminToken fromRow(Row row) {
        return new AdminToken(row.getString("id"), row.getString("name"), Role.fromWire(row.getString("role")),
                instant(row.getOffsetDateTime("created")), row.getString("created_by"),
                instant(row.getOffsetDateTime("expires_at")), instant(row.getOffsetDateTime("last_used")), null);
    }

    static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }
}
