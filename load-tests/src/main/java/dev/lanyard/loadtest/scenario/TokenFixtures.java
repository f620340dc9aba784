package dev.lanyard.loadtest.scenario;

import com.nimbusds.jose.jwk.ECKey;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.UUID;

/**
 * The directory objects a token grant needs, created through the admin API exactly as the server's OAuth tests
 * create them: a user with a password, a sign-on app, an ACTIVE agent holding our public key, an authorization
 * server with one resource, and a connection of the agent to it that allows every scope.
 */
final class TokenFixtures {

    static final String PASSWORD = "correct horse battery staple";
    static final String REDIRECT_URI = "https://app.example.com/callback";
    static final String SCOPE = "tickets.read";

    record User(String id, String login) {
    }

    record App(String id, String secret) {
    }

    /** An authorization server, its {@code issuer} and the resource the agent is connected to. */
    record Target(String serverId, String issuer, String resource) {
    }

    private final AdminApi admin;
    // A suffix keeps setup repeatable against a server that already holds fixtures from an earlier run.
    private final String suffix = UUID.randomUUID().toString().substring(0, 8);

    TokenFixtures(AdminApi admin) {
        this.admin = admin;
    }

    Future<User> user() {
        String login = "lt-user-" + suffix;
        return admin.create("/api/v1/users", new JsonObject()
                        .put("login", login)
                        .put("email", login + "@example.com")
                        .put("display_name", "Load Test")
                        .put("password", PASSWORD))
                .map(created -> new User(id(created, "user"), login));
    }

    /** A confidential {@code client_secret_basic} app: the app the user signs in to, and the agent's linked app. */
    Future<App> app() {
        return admin.create("/api/v1/apps", new JsonObject()
                        .put("name", "lt-app-" + suffix)
                        .put("client_type", "confidential")
                        .put("token_endpoint_auth_method", "client_secret_basic")
                        .put("redirect_uris", new JsonArray().add(REDIRECT_URI)))
                .map(created -> {
                    String secret = created.getString("client_secret");
                    if (secret == null) {
                        throw new IllegalStateException("created app has no client_secret");
                    }
                    return new App(id(created, "app"), secret);
                });
    }

    /** Creates the agent, registers the public half of {@code key}, activates it; returns the agent id. */
    Future<String> activeAgent(String agentType, String ownerId, String linkedAppId, ECKey key) {
        JsonObject body = new JsonObject()
                .put("name", "lt-agent-" + suffix)
                .put("description", "load test")
                .put("agent_type", agentType)
                .put("owners", new JsonArray().add(ownerId))
                .put("risk_level", "low")
                .put("default_scopes", new JsonArray().add(SCOPE))
                .put("max_session_seconds", 3600);
        if (linkedAppId != null) {
            body.put("linked_app_id", linkedAppId);
        }
        return admin.create("/api/v1/ai-agents", body).map(created -> id(created, "agent"))
                .compose(agent -> admin.create("/api/v1/ai-agents/" + agent + "/credentials/jwks",
                                new JsonObject(key.toPublicJWK().toJSONObject()))
                        .compose(k -> admin.action("/api/v1/ai-agents/" + agent + "/lifecycle/activate"))
                        .map(activated -> agent));
    }

    /** An authorization server with one resource, and a connection of {@code connectionType} allowing all scopes. */
    Future<Target> connectedServer(String agentId, String connectionType) {
        String resource = "https://tools.example.com/" + UUID.randomUUID() + "/mcp";
        return admin.create("/api/v1/authorization-servers", new JsonObject().put("name", "lt-as-" + suffix))
                .compose(server -> {
                    String serverId = id(server, "authorization server");
                    String issuer = server.getString("issuer");
                    if (issuer == null) {
                        throw new IllegalStateException("created authorization server has no issuer");
                    }
                    return admin.create("/api/v1/authorization-servers/" + serverId + "/resources", new JsonObject()
                                    .put("uri", resource)
                                    .put("name", "tools")
                                    .put("scopes", new JsonArray().add("tickets.read").add("tickets.write").add("projects.delete")))
                            .compose(res -> admin.create("/api/v1/ai-agents/" + agentId + "/connections", new JsonObject()
                                    .put("authorization_server_id", serverId)
                                    .put("resource_id", id(res, "resource"))
                                    .put("connection_type", connectionType)
                                    .put("scope_condition", "ALL_SCOPES")
                                    .put("scopes", new JsonArray().add("*"))))
                            .map(connection -> new Target(serverId, issuer, resource));
                });
    }

    static String id(JsonObject created, String what) {
        Object id = created.getValue("id");
        if (id == null) {
            throw new IllegalStateException("created " + what + " has no 'id'");
        }
        return id.toString();
    }
}
