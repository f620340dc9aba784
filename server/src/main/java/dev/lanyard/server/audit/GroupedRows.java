package dev.lanyard.server.audit;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import java.util.List;

/**
 * Rows of one table that are written with audit events, in the same transaction (an issued token and its
 * {@code oauth.token.issued} event). A group commit writes all its members' rows of one table in one statement.
 *
 * @param <T> a row
 */
public interface GroupedRows<T> {
    /** Inserts {@code rows} in one statement; fails as a whole. */
    Future<Void> insertAll(SqlClient tx, List<T> rows);
}
