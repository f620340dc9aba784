package dev.lanyard.server.oauth;

import dev.lanyard.server.directory.Rows;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.util.function.Supplier;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads what a grant decides on — the agent with its owners, the resource authorization server, the resource, the
 * connection — in as few round trips as possible, and turns them into the policy's input shapes.
 */
public final class GrantFacts {
    private final Supplier<Pool> pool;

    public GrantFacts(Supplier<Pool> pool) {
        this.pool = pool;
    }

    public record Server(String id, String status, int accessTokenTtlSeconds) {}

    public record Resource(String id, String uri, List<String> scopes, List<String> tags) {}

    public Future<TokenPolicyInput.Agent> agent(String agentId) {
        return pool.get().preparedQuery("SELECT a.id, a.agent_type, a.status, a.risk_level, a.default_scopes, a.tags, "
                        + "a.max_session_seconds, a.linked_app_id, "
                        + "array(SELECT o.user_id || ':' || u.status FROM agent_owners o JOIN users u ON u.id = o.user_id "
                        + "  WHERE o.agent_id = a.id ORDER BY o.position) AS owners FROM agents a WHERE a.id = $1")
                .execute(Tuple.of(agentId))
                .map(rows -> {
                    if (rows.size() == 0) {
                        throw OAuthException.invalidClient("unknown client");
                    }
                    Row r = rows.iterator().next();
                    List<TokenPolicyInput.Owner> owners = new ArrayList<>();
                    for (String o : Rows.strings(r, "owners")) {
                        String[] parts = o.split(":", 2);
                        owners.add(new TokenPolicyInput.Owner(parts[0], parts[1]));
                    }
                    return new TokenPolicyInput.Agent(r.getString("id"), r.getString("agent_type").toLowerCase(java.util.Locale.ROOT),
                            r.getString("status"), owners, r.getString("risk_level").toLowerCase(java.util.Locale.ROOT),
                            Rows.strings(r, "default_scopes"), Rows.strings(r, "tags"), r.getInteger("max_session_seconds"));
                });
    }

    public Future<Optional<String>> linkedApp(String agentId) {
        return pool.get().preparedQuery("SELECT linked_app_id FROM agents WHERE id = $1").execute(Tuple.of(agentId))
                .map(rows -> rows.size() == 0 ? Optional.empty()
                        : Optional.ofNullable(rows.iterator().next().getString("linked_app_id")));
    }

    /** The server, and the resources it governs. */
    public Future<Optional<Server>> server(String serverId) {
        return pool.get().preparedQuery("SELECT id, status, access_token_ttl_seconds FROM authorization_servers WHERE id = $1")
                .execute(Tuple.of(serverId))
                .map(rows -> Rows.first(rows, r -> new Server(r.getString("id"), r.getString("status"),
                        r.getInteger("access_token_ttl_seconds"))));
    }

    public Future<List<Resource>> resources(String serverId) {
        return pool.get().preparedQuery("SELECT id, uri, scopes, tags FROM resources WHERE server_id = $1 ORDER BY uri")
                .execute(Tuple.of(serverId))
                .map(rows -> Rows.all(rows, r -> new Resource(r.getString("id"), r.getString("uri"),
                        Rows.strings(r, "scopes"), Rows.strings(r, "tags"))));
    }

    /**
     * The agent's connection of this type to this server covering this resource: one naming the resource wins over
     * one covering the whole server. The scopes returned are those it allows on the resource.
     */
    public Future<Optional<TokenPolicyInput.Connection>> connection(String agentId, String serverId, String type,
                                                                   Resource resource) {
        return pool.get().preparedQuery("SELECT id, connection_type, scope_condition, scopes, status FROM connections "
                        + "WHERE agent_id = $1 AND server_id = $2 AND connection_type = $3 "
                        + "AND (resource_id IS NULL OR resource_id = $4) ORDER BY resource_id NULLS LAST LIMIT 1")
                .execute(Tuple.of(agentId, serverId, type, resource.id()))
                .map(rows -> Rows.first(rows, r -> new TokenPolicyInput.Connection(r.getString("id"),
                        r.getString("connection_type"), r.getString("status"),
                        allowed(r.getString("scope_condition"), Rows.strings(r, "scopes"), resource.scopes()))));
    }

    static List<String> allowed(String condition, List<String> listed, List<String> resourceScopes) {
        List<String> out = new ArrayList<>();
        for (String s : resourceScopes) {
            boolean in = listed.contains(s);
            if (condition.equals("ALL_SCOPES") || (condition.equals("INCLUDE_ONLY") && in)
                    || (condition.equals("EXCLUDE") && !in)) {
                out.add(s);
            }
        }
        return out;
    }

    /** Picks the resource a request targets: the one named, else the server's only resource. */
    public static Resource target(List<Resource> resources, Optional<String> requested) {
        if (requested.isPresent()) {
            return resources.stream().filter(r -> r.uri().equals(requested.get())).findFirst()
                    .orElseThrow(() -> new OAuthException("invalid_target", "resource is not governed by this authorization server"));
        }
        if (resources.size() == 1) {
            return resources.get(0);
        }
        throw new OAuthException("invalid_target", "resource is required: this authorization server governs "
                + resources.size() + " resources");
    }

    public static List<String> scopes(Optional<String> scope) {
        if (scope.isEmpty()) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String s : scope.get().split(" ")) {
            if (s.isEmpty()) {
                throw OAuthException.invalidRequest("scope must be space-separated scope tokens");
            }
            if (!s.matches("[\\x21\\x23-\\x5B\\x5D-\\x7E]+")) {
                throw new OAuthException("invalid_scope", "scope contains characters RFC 6749 does not allow");
            }
            if (!out.contains(s)) {
                out.add(s);
            }
        }
        return out;
    }
}
