package dev.lanyard.server.agents;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** SQL for agents and their owners. */
public final class AgentStore {
    private static final String COLUMNS = "a.id, a.seq, a.name, a.description, a.agent_type, a.status, a.owner_group_id, "
            + "a.risk_level, a.default_scopes, a.max_session_seconds, a.tags, a.linked_app_id, a.version, a.created, "
            + "a.updated, a.created_by, "
            + "array(SELECT o.user_id FROM agent_owners o WHERE o.agent_id = a.id ORDER BY o.position) AS owners";

    /** Filters of the agent list. */
    public record Filter(AgentStatus status, AgentType type, String owner, String namePrefix) {}

    /** What activation needs, as found in the database. */
    public record Readiness(long activeOwners, long activeKeys) {}

    public Future<Agent> insert(SqlClient tx, AgentRequests.Create req, String createdBy) {
        String id = Ids.next("agt");
        var now = Rows.now();
        return checkReferences(tx, req.owners(), req.ownerGroupId())
                .compose(v -> checkApp(tx, req.linkedAppId()))
                .compose(v -> tx.preparedQuery("INSERT INTO agents (id, name, description, agent_type, status, owner_group_id, "
                                + "risk_level, default_scopes, max_session_seconds, tags, linked_app_id, created, updated, created_by) "
                                + "VALUES ($1, $2, $3, $4, 'STAGED', $5, $6, $7, $8, $9, $10, $11, $11, $12)")
                        .execute(Tuple.tuple().addString(id).addString(req.name()).addString(req.description())
                                .addString(req.agentType().name()).addString(req.ownerGroupId())
                                .addString(req.riskLevel().name()).addArrayOfString(req.defaultScopes().toArray(String[]::new))
                                .addInteger(req.maxSessionSeconds()).addArrayOfString(req.tags().toArray(String[]::new))
                                .addString(req.linkedAppId()).addOffsetDateTime(now).addString(createdBy)))
                .recover(e -> Future.failedFuture(duplicateName(e, req.name())))
                .compose(v -> setOwners(tx, id, req.owners()))
                .compose(v -> require(tx, id));
    }

    public Future<Optional<Agent>> get(SqlClient client, String id) {
        return client.preparedQuery("SELECT " + COLUMNS + " FROM agents a WHERE a.id = $1").execute(Tuple.of(id))
                .map(rows -> Rows.first(rows, AgentStore::fromRow));
    }

    public Future<Agent> require(SqlClient client, String id) {
        return get(client, id).map(a -> a.orElseThrow(() -> ApiException.notFound("AI agent " + id)));
    }

    /** Locks the agent's row for the rest of the transaction, so lifecycle and key rules see a stable agent. */
    public Future<Agent> lock(SqlClient tx, String id) {
        return tx.preparedQuery("SELECT id FROM agents WHERE id = $1 FOR UPDATE").execute(Tuple.of(id))
                .compose(rows -> {
                    if (rows.size() == 0) {
                        throw ApiException.notFound("AI agent " + id);
                    }
                    return require(tx, id);
                });
    }

    public Future<List<Agent>> list(SqlClient client, Cursor cursor, Filter f) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM agents a WHERE a.seq > $1");
        Tuple args = Tuple.tuple().addLong(cursor.afterSeq());
        if (f.status() != null) {
            args.addString(f.status().name());
            sql.append(" AND a.status = $").append(args.size());
        }
        if (f.type() != null) {
            args.addString(f.type().name());
            sql.append(" AND a.agent_type = $").append(args.size());
        }
        if (f.owner() != null) {
            args.addString(f.owner());
            sql.append(" AND EXISTS (SELECT 1 FROM agent_owners o WHERE o.agent_id = a.id AND o.user_id = $")
                    .append(args.size()).append(")");
        }
        if (f.namePrefix() != null) {
            args.addString(f.namePrefix().toLowerCase(java.util.Locale.ROOT).replace("\\", "\\\\")
                    .replace("%", "\\%").replace("_", "\\_") + "%");
            sql.append(" AND lower(a.name) LIKE $").append(args.size()).append(" ESCAPE '\\'");
        }
        args.addInteger(cursor.limit());
        sql.append(" ORDER BY a.seq LIMIT $").append(args.size());
        return client.preparedQuery(sql.toString()).execute(args).map(rows -> Rows.all(rows, AgentStore::fromRow));
    }

    public Future<Agent> update(SqlClient tx, Agent current, int expectedVersion, AgentRequests.Patch p) {
        if (current.version() != expectedVersion) {
            return Future.failedFuture(new ApiException(ErrorCode.PRECONDITION_FAILED, "AI agent " + current.id()
                    + " is at version " + current.version() + ", not " + expectedVersion + "; read it again and retry"));
        }
        String name = p.name().orElse(current.name());
        List<String> owners = p.owners().orElse(current.owners());
        String group = p.ownerGroupId().isPresent() ? p.ownerGroupId().get().orElse(null) : current.ownerGroupId();
        // only what the patch changes is checked again: a co-owner deprovisioned since must not block a description edit
        boolean referencesChange = p.owners().isPresent() || p.ownerGroupId().isPresent();
        return (referencesChange ? checkReferences(tx, owners, group) : Future.<Void>succeededFuture())
                .compose(v -> p.linkedAppId().isPresent() ? checkApp(tx, p.linkedAppId().get().orElse(null))
                        : Future.<Void>succeededFuture())
                .compose(v -> tx.preparedQuery("UPDATE agents SET name = $2, description = $3, owner_group_id = $4, "
                                + "risk_level = $5, default_scopes = $6, max_session_seconds = $7, tags = $8, linked_app_id = $9, "
                                + "version = version + 1, updated = $10 WHERE id = $1")
                        .execute(Tuple.tuple().addString(current.id()).addString(name)
                                .addString(p.description().orElse(current.description())).addString(group)
                                .addString(p.riskLevel().orElse(current.riskLevel()).name())
                                .addArrayOfString(p.defaultScopes().orElse(current.defaultScopes()).toArray(String[]::new))
                                .addInteger(p.maxSessionSeconds().orElse(current.maxSessionSeconds()))
                                .addArrayOfString(p.tags().orElse(current.tags()).toArray(String[]::new))
                                .addString(p.linkedAppId().isPresent() ? p.linkedAppId().get().orElse(null) : current.linkedAppId())
                                .addOffsetDateTime(Rows.now())))
                .recover(e -> Future.failedFuture(duplicateName(e, name)))
                .compose(v -> p.owners().isPresent() ? setOwners(tx, current.id(), owners) : Future.succeededFuture())
                .compose(v -> require(tx, current.id()));
    }

    public Future<Agent> setStatus(SqlClient tx, String id, AgentStatus status) {
        return tx.preparedQuery("UPDATE agents SET status = $2, version = version + 1, updated = $3 WHERE id = $1")
                .execute(Tuple.of(id, status.name(), Rows.now()))
                .compose(v -> require(tx, id));
    }

    public Future<Readiness> readiness(SqlClient tx, String id) {
        return tx.preparedQuery("SELECT "
                        + "(SELECT count(*) FROM agent_owners o JOIN users u ON u.id = o.user_id "
                        + "  WHERE o.agent_id = $1 AND u.status = 'ACTIVE') AS owners, "
                        + "(SELECT count(*) FROM agent_keys k WHERE k.agent_id = $1 AND k.status = 'ACTIVE') AS keys")
                .execute(Tuple.of(id))
                .map(rows -> {
                    Row r = rows.iterator().next();
                    return new Readiness(r.getLong("owners"), r.getLong("keys"));
                });
    }

    public Future<Void> delete(SqlClient tx, String id) {
        return tx.preparedQuery("DELETE FROM agents WHERE id = $1").execute(Tuple.of(id)).mapEmpty();
    }

    private Future<Void> setOwners(SqlClient tx, String agentId, List<String> owners) {
        List<Tuple> batch = new ArrayList<>();
        for (int i = 0; i < owners.size(); i++) {
            batch.add(Tuple.of(agentId, owners.get(i), i));
        }
        return tx.preparedQuery("DELETE FROM agent_owners WHERE agent_id = $1").execute(Tuple.of(agentId))
                .compose(v -> tx.preparedQuery("INSERT INTO agent_owners (agent_id, user_id, position) VALUES ($1, $2, $3)")
                        .executeBatch(batch))
                .mapEmpty();
    }

    /** Owners must be existing users that are not deprovisioned; an owner group must exist. */
    private Future<Void> checkReferences(SqlClient tx, List<String> owners, String groupId) {
        return tx.preparedQuery("SELECT id, status FROM users WHERE id = ANY($1)")
                .execute(Tuple.of(owners.toArray(String[]::new)))
                .compose(rows -> {
                    List<String> found = new ArrayList<>();
                    for (Row r : rows) {
                        if (r.getString("status").equals("DEPROVISIONED")) {
                            throw ApiException.invalid("owner " + r.getString("id") + " is deprovisioned");
                        }
                        found.add(r.getString("id"));
                    }
                    for (String o : owners) {
                        if (!found.contains(o)) {
                            throw ApiException.invalid("owner " + o + " is not a user of this directory");
                        }
                    }
                    if (groupId == null) {
                        return Future.succeededFuture();
                    }
                    return tx.preparedQuery("SELECT 1 FROM groups WHERE id = $1").execute(Tuple.of(groupId))
                            .map(g -> {
                                if (g.size() == 0) {
                                    throw ApiException.invalid("owner_group_id " + groupId + " is not a group of this directory");
                                }
                                return null;
                            });
                });
    }

    /**
     * A linked app must be an existing sign-on app. The key-share lock keeps it from being deleted before this
     * transaction commits, so the foreign key never fails later as a 500.
     */
    private Future<Void> checkApp(SqlClient tx, String appId) {
        if (appId == null) {
            return Future.succeededFuture();
        }
        return tx.preparedQuery("SELECT 1 FROM apps WHERE id = $1 FOR KEY SHARE").execute(Tuple.of(appId))
                .map(rows -> {
                    if (rows.size() == 0) {
                        throw ApiException.invalid("linked_app_id " + appId + " is not an app of this directory");
                    }
                    return null;
                });
    }

    private static Throwable duplicateName(Throwable e, String name) {
        if (e instanceof PgException pg && "23505".equals(pg.getSqlState())) {
            return new ApiException(ErrorCode.DUPLICATE, "an AI agent named '" + name + "' already exists");
        }
        return e;
    }

    static Agent fromRow(Row row) {
        return new Agent(row.getString("id"), row.getLong("seq"), row.getString("name"), row.getString("description"),
                AgentType.valueOf(row.getString("agent_type")), AgentStatus.valueOf(row.getString("status")),
                Rows.strings(row, "owners"), row.getString("owner_group_id"),
                RiskLevel.valueOf(row.getString("risk_level")), Rows.strings(row, "default_scopes"),
                row.getInteger("max_session_seconds"), Rows.strings(row, "tags"), row.getString("linked_app_id"),
                row.getInteger("version"), Rows.instant(row, "created"), Rows.instant(row, "updated"),
                row.getString("created_by"));
    }
}
