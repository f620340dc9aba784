package dev.lanyard.server.oauth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanyard.server.directory.Rows;
import dev.lanyard.server.http.Json;
import dev.lanyard.server.store.StatementBatcher;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.util.function.Supplier;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads what a grant decides on — the agent with its owners, the resource authorization server, the resource, the
 * connection — in as few round trips as possible, and turns them into the policy's input shapes.
 */
public final class GrantFacts {
    private final Supplier<Pool> pool;

    /**
     * @param pool where the reads run: a pool of generic plans ({@link dev.lanyard.server.store.Database#genericPlanPool}),
     *             or PostgreSQL plans the batched read again for every batch
     */
    public GrantFacts(Supplier<Pool> pool) {
        this.pool = pool;
    }

    public record Server(String id, String status, int accessTokenTtlSeconds) {
        /** Only an ACTIVE authorization server issues tokens. */
        public boolean active() {
            return "ACTIVE".equals(status);
        }

        /** The server if it exists and is active; otherwise the token endpoint's 404. */
        static Server requireActive(Optional<Server> server) {
            return server.filter(Server::active).orElseThrow(GrantFacts::inactiveServer);
        }
    }

    public record Resource(String id, String uri, List<String> scopes, List<String> tags) {}

    /** A directory user as a grant's policy input sees it. */
    public record User(String id, String status, String email, List<String> groups) {}

    /**
     * What every grant reads, in one round trip: the agent with its owners and linked sign-on app, the resource
     * authorization server with the resources it governs, the agent's connections of one type to that server, its
     * APPROVED unexpired approvals there, and (when the grant names one) the user it acts for. Each extra round trip
     * on the token path costs CPU on both sides of the connection, and every grant needs all of these.
     */
    public record Context(TokenPolicyInput.Agent agent, Optional<String> linkedApp, Optional<Server> server,
                         List<Resource> resources, List<ConnectionRow> connections,
                         List<TokenPolicyInput.Approval> approvals, Optional<User> user) {
        /**
         * The grant's resource authorization server as this read found it. The token endpoint checked it before from
         * memory; this is the check that decides, so a server deactivated a moment ago issues nothing.
         */
        public Server activeServer() {
            return Server.requireActive(server);
        }

        /** The approvals that apply to this resource, oldest first. */
        public List<TokenPolicyInput.Approval> approvals(Resource resource) {
            return approvals.stream().filter(a -> a.resource().equals(resource.uri())).toList();
        }

        /** The connection covering this resource: one naming the resource wins over one covering the whole server. */
        public Optional<TokenPolicyInput.Connection> connection(Resource resource) {
            ConnectionRow serverWide = null;
            for (ConnectionRow c : connections) {
                if (resource.id().equals(c.resourceId())) {
                    return Optional.of(c.toInput(resource));
                }
                if (c.resourceId() == null && serverWide == null) {
                    serverWide = c;
                }
            }
            return serverWide == null ? Optional.empty() : Optional.of(serverWide.toInput(resource));
        }
    }

    /** A connection as stored; the scopes it allows depend on the resource. */
    public record ConnectionRow(String id, String type, String condition, List<String> scopes, String status,
                                String resourceId) {
        TokenPolicyInput.Connection toInput(Resource resource) {
            return new TokenPolicyInput.Connection(id, type, status, allowed(condition, scopes, resource.scopes()));
        }
    }

    /** Reads per statement: enough to carry a busy endpoint's burst, few enough to keep one statement short. */
    static final int MAX_BATCH = 64;

    /**
     * The reads of several grants at once, one row per read that found its agent, tagged with the read's position
     * ({@code ord}, from 1). A lone read costs PostgreSQL about twice the CPU of a read in a batch of eight: the
     * per-statement work (protocol, snapshot, executor start-up of eight subplans) is shared.
     */
    private static final String CONTEXTS = """
            SELECT q.ord, a.id, a.agent_type, a.status, a.risk_level, a.default_scopes, a.tags, a.max_session_seconds,
                   a.linked_app_id,
                   array(SELECT o.user_id || ':' || u.status FROM agent_owners o JOIN users u ON u.id = o.user_id
                         WHERE o.agent_id = a.id ORDER BY o.position) AS owners,
                   (SELECT coalesce(json_agg(json_build_object('id', r.id, 'uri', r.uri, 'scopes', r.scopes,
                                                               'tags', r.tags) ORDER BY r.uri), '[]'::json)
                      FROM resources r WHERE r.server_id = q.server_id)::text AS resources,
                   (SELECT coalesce(json_agg(json_build_object('id', c.id, 'type', c.connection_type,
                                                               'condition', c.scope_condition, 'scopes', c.scopes,
                                                               'status', c.status, 'resource_id', c.resource_id)
                                             ORDER BY c.resource_id NULLS LAST, c.id), '[]'::json)
                      FROM connections c
                     WHERE c.agent_id = a.id AND c.server_id = q.server_id
                       AND c.connection_type = q.connection_type)::text AS connections,
                   (SELECT s.status FROM authorization_servers s WHERE s.id = q.server_id) AS server_status,
                   (SELECT s.access_token_ttl_seconds FROM authorization_servers s WHERE s.id = q.server_id) AS server_ttl,
                   (SELECT coalesce(json_agg(json_build_object('id', p.id, 'resource', p.resource, 'scopes', p.scopes,
                                                               'expires_at', p.expires_at) ORDER BY p.seq), '[]'::json)
                      FROM approvals p
                     WHERE p.agent_id = a.id AND p.status = 'APPROVED' AND p.expires_at > now()
                       AND p.resource IN (SELECT r.uri FROM resources r WHERE r.server_id = q.server_id))::text AS approvals,
                   (SELECT json_build_object('status', u.status, 'email', u.email,
                                             'groups', array(SELECT g.group_id FROM group_members g
                                                              WHERE g.user_id = u.id ORDER BY g.group_id))
                      FROM users u WHERE u.id = q.user_id)::text AS principal,
                   (SELECT k.status FROM agent_keys k WHERE k.id = q.key_id AND k.agent_id = a.id) AS key_status
              FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
                   WITH ORDINALITY AS q(agent_id, server_id, connection_type, user_id, key_id, ord)
              JOIN agents a ON a.id = q.agent_id""";

    /** One grant's read: whose facts, at which server, for which connection type and user. */
    private record Lookup(String agentId, String serverId, String connectionType, String userId, String keyId) {}

    /**
     * Reads made at the same moment share a statement; two statements may run at once. Each read still sees the
     * database as of its own statement, no older than the moment it was asked for, so the live checks below lose
     * nothing by it.
     */
    private final StatementBatcher<Lookup, Row> reads = new StatementBatcher<>(MAX_BATCH, 2, this::readAll);

    /**
     * @param req            its client is the authenticated agent; the grant is refused ({@code invalid_client}) unless
     *                       the agent and the key its assertion was signed with are ACTIVE in this read, whatever the
     *                       client authentication saw before
     * @param connectionType {@code CLIENT_CREDENTIALS} or {@code IDENTITY_ASSERTION}
     */
    public Future<Context> context(GrantRequest req, String serverId, String connectionType) {
        return context(req, serverId, connectionType, null);
    }

    /**
     * @param req    its client is the authenticated agent; the context is handed out only once its assertion's
     *               {@code jti} is claimed ({@link GrantRequest#assertionClaimed()}), though read meanwhile
     * @param userId the directory user the grant acts for, read into {@link Context#user()}; null for none
     */
    public Future<Context> context(GrantRequest req, String serverId, String connectionType, String userId) {
        AuthenticatedClient client = req.client();
        Future<Row> read = reads.submit(new Lookup(client.agentId(), serverId, connectionType, userId, client.agentKeyId()));
        return req.assertionClaimed().compose(claimed -> read).map(r -> toContext(r, serverId, userId));
    }

    private Future<List<Row>> readAll(List<Lookup> batch) {
        int n = batch.size();
        String[][] columns = new String[5][n];
        for (int i = 0; i < n; i++) {
            Lookup l = batch.get(i);
            columns[0][i] = l.agentId();
            columns[1][i] = l.serverId();
            columns[2][i] = l.connectionType();
            columns[3][i] = l.userId();
            columns[4][i] = l.keyId();
        }
        Tuple params = Tuple.tuple();
        for (String[] column : columns) {
            params.addArrayOfString(column);
        }
        return pool.get().preparedQuery(CONTEXTS).execute(params).map(rows -> {
            Row[] byPosition = new Row[n];
            for (Row r : rows) {
                byPosition[(int) (r.getLong("ord") - 1)] = r;
            }
            // a read whose agent does not exist has no row: null, refused by its own caller alone
            return Arrays.asList(byPosition);
        });
    }

    private static Context toContext(Row r, String serverId, String userId) {
        if (r == null) {
            throw OAuthException.invalidClient("unknown client");
        }
        if (!"ACTIVE".equals(r.getString("status"))) {
            throw OAuthException.invalidClient("the agent is not active");
        }
        if (!"ACTIVE".equals(r.getString("key_status"))) {
            throw OAuthException.invalidClient("the key that signed the client assertion is not active");
        }
        List<TokenPolicyInput.Owner> owners = new ArrayList<>();
        for (String o : Rows.strings(r, "owners")) {
            String[] parts = o.split(":", 2);
            owners.add(new TokenPolicyInput.Owner(parts[0], parts[1]));
        }
        TokenPolicyInput.Agent agent = new TokenPolicyInput.Agent(r.getString("id"),
                r.getString("agent_type").toLowerCase(Locale.ROOT), r.getString("status"), owners,
                r.getString("risk_level").toLowerCase(Locale.ROOT), Rows.strings(r, "default_scopes"),
                Rows.strings(r, "tags"), r.getInteger("max_session_seconds"));
        List<Resource> resources = new ArrayList<>();
        for (JsonNode n : Json.tree(r.getString("resources"))) {
            resources.add(new Resource(n.path("id").asText(), n.path("uri").asText(), texts(n.path("scopes")),
                    texts(n.path("tags"))));
        }
        List<ConnectionRow> connections = new ArrayList<>();
        for (JsonNode n : Json.tree(r.getString("connections"))) {
            connections.add(new ConnectionRow(n.path("id").asText(), n.path("type").asText(),
                    n.path("condition").asText(), texts(n.path("scopes")), n.path("status").asText(),
                    n.path("resource_id").isNull() ? null : n.path("resource_id").asText()));
        }
        Optional<Server> server = r.getString("server_status") == null ? Optional.empty()
                : Optional.of(new Server(serverId, r.getString("server_status"), r.getInteger("server_ttl")));
        List<TokenPolicyInput.Approval> approvals = new ArrayList<>();
        for (JsonNode n : Json.tree(r.getString("approvals"))) {
            approvals.add(new TokenPolicyInput.Approval(n.path("id").asText(), n.path("resource").asText(),
                    texts(n.path("scopes")), "APPROVED",
                    OffsetDateTime.parse(n.path("expires_at").asText()).toInstant().toString()));
        }
        Optional<User> user = Optional.empty();
        if (r.getString("principal") != null) {
            JsonNode u = Json.tree(r.getString("principal"));
            user = Optional.of(new User(userId, u.path("status").asText(),
                    u.path("email").isNull() ? null : u.path("email").asText(), texts(u.path("groups"))));
        }
        return new Context(agent, Optional.ofNullable(r.getString("linked_app_id")), server,
                List.copyOf(resources), List.copyOf(connections), List.copyOf(approvals), user);
    }

    static OAuthException inactiveServer() {
        return new OAuthException("invalid_request", "unknown or inactive authorization server", 404);
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asText()));
        return List.copyOf(out);
    }

    /** The resource authorization server, if it exists (its status is the caller's to check). */
    public Future<Optional<Server>> server(String serverId) {
        return pool.get().preparedQuery("SELECT id, status, access_token_ttl_seconds FROM authorization_servers WHERE id = $1")
                .execute(Tuple.of(serverId))
                .map(rows -> Rows.first(rows, r -> new Server(r.getString("id"), r.getString("status"),
                        r.getInteger("access_token_ttl_seconds"))));
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
