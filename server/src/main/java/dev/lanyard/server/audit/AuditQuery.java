package dev.lanyard.server.audit;

import dev.lanyard.server.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * A filtered, seq-ordered page of the audit trail; the cursor is the last seq the caller has seen. {@code type} may
 * name several types, comma-separated.
 */
public record AuditQuery(List<String> types, String target, String actor, Instant since, Instant until, long after, int limit) {
    public static final int DEFAULT_LIMIT = 20;
    public static final int MAX_LIMIT = 1000;

    public static AuditQuery from(MultiMap params) {
        for (String name : params.names()) {
            if (!List.of("type", "target", "actor", "since", "until", "after", "limit").contains(name)) {
                throw ApiException.invalid("Unknown query parameter '" + name + "'");
            }
            if (params.getAll(name).size() > 1) {
                throw ApiException.invalid("Query parameter '" + name + "' is repeated");
            }
        }
        String type = params.get("type");
        return new AuditQuery(type == null ? null : List.of(type.split(",")), params.get("target"), params.get("actor"),
                instant(params, "since"), instant(params, "until"), after(params.get("after")),
                limit(params.get("limit")));
    }

    public AuditQuery after(long seq, int pageSize) {
        return new AuditQuery(types, target, actor, since, until, seq, pageSize);
    }

    public Future<List<AuditEvent>> run(SqlClient client) {
        StringBuilder sql = new StringBuilder("SELECT " + AuditLog.COLUMNS + " FROM audit_events WHERE seq > $1");
        Tuple args = Tuple.tuple().addLong(after);
        if (types != null) {
            args.addArrayOfString(types.toArray(String[]::new));
            sql.append(" AND type = ANY($").append(args.size()).append(")");
        }
        if (target != null) {
            args.addString(target);
            sql.append(" AND target = $").append(args.size());
        }
        if (actor != null) {
            args.addString(actor);
            sql.append(" AND actor = $").append(args.size());
        }
        if (since != null) {
            args.addOffsetDateTime(since.atOffset(ZoneOffset.UTC));
            sql.append(" AND time >= $").append(args.size());
        }
        if (until != null) {
            args.addOffsetDateTime(until.atOffset(ZoneOffset.UTC));
            sql.append(" AND time < $").append(args.size());
        }
        args.addInteger(limit);
        sql.append(" ORDER BY seq LIMIT $").append(args.size());
        return client.preparedQuery(sql.toString()).execute(args).map(rows -> {
            List<AuditEvent> events = new ArrayList<>(rows.size());
            for (Row row : rows) {
                events.add(AuditLog.fromRow(row));
            }
            return events;
        });
    }

    private static Instant instant(MultiMap params, String name) {
        String value = params.get(name);
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw ApiException.invalid("Query parameter '" + name + "' must be an RFC 3339 time such as 2026-01-31T12:00:00Z");
        }
    }

    static long after(String value) {
        if (value == null) {
            return 0;
        }
        try {
            long seq = Long.parseLong(value);
            if (seq < 0) {
                throw new NumberFormatException();
            }
            return seq;
        } catch (NumberFormatException e) {
            throw ApiException.invalid("Query parameter 'after' must be an event sequence number");
        }
    }

    private static int limit(String value) {
        if (value == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(value);
            if (limit < 1 || limit > MAX_LIMIT) {
                throw new NumberFormatException();
            }
            return limit;
        } catch (NumberFormatException e) {
            throw ApiException.invalid("Query parameter 'limit' must be between 1 and " + MAX_LIMIT);
        }
    }
}
