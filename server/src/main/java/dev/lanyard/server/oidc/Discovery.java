package dev.lanyard.server.oidc;

import dev.lanyard.server.http.ApiException;
import dev.lanyard.server.http.Ids;
import dev.lanyard.server.keys.SigningKeys;
import dev.lanyard.server.oauth.OAuthUris;
import dev.lanyard.server.oauth.TokenSigner;
import dev.lanyard.server.store.Database;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.TreeSet;

/**
 * What clients discover about the authorization servers: RFC 8414 metadata (and OIDC discovery for the org server),
 * and each server's JWKS. The org server's issuer is the base URL; a resource authorization server's is
 * {@code {base}/oauth2/{id}}, and its metadata sits at the RFC 8414 path-insert URL
 * {@code {base}/.well-known/oauth-authorization-server/oauth2/{id}}.
 */
final class Discovery {
    static final List<String> CLIENT_AUTH_ALGS =
            List.of("ES256", "ES384", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512");
    static final List<String> OIDC_SCOPES = List.of("openid", "profile", "email");
    static final List<String> OIDC_CLAIMS = List.of("iss", "sub", "aud", "exp", "iat", "auth_time", "nonce", "azp",
            "name", "email", "preferred_username");

    private final Database db;
    private final SigningKeys keys;
    private final String base;

    Discovery(Database db, SigningKeys keys, String baseUrl) {
        this.db = db;
        this.keys = keys;
        this.base = baseUrl;
    }

    void mount(Router router, Handler<RoutingContext> readinessGate) {
        router.get("/.well-known/oauth-authorization-server").handler(readinessGate)
                .handler(ctx -> publicJson(ctx, orgMetadata(false)))
                .failureHandler(OAuthReplies::failure);
        router.get("/.well-known/openid-configuration").handler(readinessGate)
                .handler(ctx -> publicJson(ctx, orgMetadata(true)))
                .failureHandler(OAuthReplies::failure);
        router.get("/oauth2/v1/keys").handler(readinessGate)
                .handler(ctx -> jwks(ctx, TokenSigner.ORG))
                .failureHandler(OAuthReplies::failure);
        router.get("/.well-known/oauth-authorization-server/oauth2/:id").handler(readinessGate)
                .handler(ctx -> {
                    String id = ctx.pathParam("id");
                    resourceMetadata(id).onSuccess(doc -> publicJson(ctx, doc))
                            .onFailure(ctx::fail);
                })
                .failureHandler(OAuthReplies::failure);
        router.get("/oauth2/:id/v1/keys").handler(readinessGate)
                .handler(ctx -> {
                    String id = ctx.pathParam("id");
                    if (!Ids.isValid("aus", id)) {
                        ctx.fail(ApiException.notFound("authorization server " + Ids.sanitize(id)));
                        return;
                    }
                    jwks(ctx, id);
                })
                .failureHandler(OAuthReplies::failure);
        // the MCP SDK clients reject metadata without an authorization endpoint, so there is one; it refuses politely
        router.get("/oauth2/:id/v1/authorize").handler(readinessGate)
                .handler(ctx -> OAuthReplies.error(ctx, 400, "unsupported_response_type", "interactive authorization "
                        + "is not offered by resource authorization servers; obtain a token with the jwt-bearer "
                        + "(ID-JAG) or client_credentials grant at the token endpoint"))
                .failureHandler(OAuthReplies::failure);
    }

    private void jwks(RoutingContext ctx, String serverId) {
        keys.ensure(serverId).onSuccess(v -> publicJson(ctx, new JsonObject(keys.publicKeys(serverId).toJSONObject(true))))
                .onFailure(ctx::fail);
    }

    /** Public, cacheable documents; readable cross-origin, since browser-based clients discover servers too. */
    private static void publicJson(RoutingContext ctx, JsonObject doc) {
        ctx.response().putHeader("Access-Control-Allow-Origin", "*");
        OAuthReplies.json(ctx, 200, doc, "max-age=300");
    }

    JsonObject orgMetadata(boolean openid) {
        JsonObject doc = new JsonObject()
                .put("issuer", base)
                .put("authorization_endpoint", base + "/oauth2/v1/authorize")
                .put("token_endpoint", base + "/oauth2/v1/token")
                .put("jwks_uri", base + "/oauth2/v1/keys")
                .put("introspection_endpoint", base + "/oauth2/v1/introspect")
                .put("revocation_endpoint", base + "/oauth2/v1/revoke")
                .put("userinfo_endpoint", base + "/oauth2/v1/userinfo")
                .put("response_types_supported", new JsonArray().add("code"))
                .put("response_modes_supported", new JsonArray().add("query"))
                .put("grant_types_supported", new JsonArray().add(OAuthUris.GRANT_AUTHORIZATION_CODE)
                        .add(OAuthUris.GRANT_TOKEN_EXCHANGE))
                .put("token_endpoint_auth_methods_supported",
                        new JsonArray().add("private_key_jwt").add("client_secret_basic").add("none"))
                .put("token_endpoint_auth_signing_alg_values_supported", new JsonArray(CLIENT_AUTH_ALGS))
                .put("introspection_endpoint_auth_methods_supported",
                        new JsonArray().add("private_key_jwt").add("client_secret_basic"))
                .put("revocation_endpoint_auth_methods_supported",
                        new JsonArray().add("private_key_jwt").add("client_secret_basic").add("none"))
                .put("code_challenge_methods_supported", new JsonArray().add("S256"))
                .put("scopes_supported", new JsonArray(OIDC_SCOPES))
                .put("authorization_response_iss_parameter_supported", true)
                .put("identity_chaining_requested_token_types_supported",
                        new JsonArray().add(OAuthUris.TOKEN_TYPE_ID_JAG));
        if (openid) {
            TreeSet<String> algs = new TreeSet<>(List.of(keys.currentAlg(TokenSigner.ORG)));
            doc.put("subject_types_supported", new JsonArray().add("public"))
                    .put("id_token_signing_alg_values_supported", new JsonArray(List.copyOf(algs)))
                    .put("claims_supported", new JsonArray(OIDC_CLAIMS));
        }
        return doc;
    }

    /** 404 (OAuth JSON) for ids that are not an ACTIVE resource authorization server. */
    Future<JsonObject> resourceMetadata(String id) {
        if (!Ids.isValid("aus", id)) {
            return Future.failedFuture(ApiException.notFound("authorization server " + Ids.sanitize(id)));
        }
        return db.pool().preparedQuery("SELECT s.status, (SELECT array_agg(DISTINCT sc ORDER BY sc) FROM resources r, "
                        + "unnest(r.scopes) AS sc WHERE r.server_id = s.id) AS scopes "
                        + "FROM authorization_servers s WHERE s.id = $1")
                .execute(Tuple.of(id)).map(rows -> {
                    var it = rows.iterator();
                    if (!it.hasNext() || !"ACTIVE".equals(it.next().getString("status"))) {
                        throw ApiException.notFound("authorization server " + id);
                    }
                    String[] scopes = rows.iterator().next().getArrayOfStrings("scopes");
                    String issuer = base + "/oauth2/" + id;
                    return new JsonObject()
                            .put("issuer", issuer)
                            .put("authorization_endpoint", issuer + "/v1/authorize")
                            .put("token_endpoint", issuer + "/v1/token")
                            .put("jwks_uri", issuer + "/v1/keys")
                            .put("introspection_endpoint", issuer + "/v1/introspect")
                            .put("revocation_endpoint", issuer + "/v1/revoke")
                            .put("response_types_supported", new JsonArray().add("code"))
                            .put("grant_types_supported", new JsonArray().add(OAuthUris.GRANT_JWT_BEARER)
                                    .add(OAuthUris.GRANT_CLIENT_CREDENTIALS))
                            .put("authorization_grant_profiles_supported",
                                    new JsonArray().add(OAuthUris.GRANT_PROFILE_ID_JAG))
                            .put("token_endpoint_auth_methods_supported", new JsonArray().add("private_key_jwt"))
                            .put("token_endpoint_auth_signing_alg_values_supported", new JsonArray(CLIENT_AUTH_ALGS))
                            .put("introspection_endpoint_auth_methods_supported", new JsonArray().add("private_key_jwt"))
                            .put("revocation_endpoint_auth_methods_supported", new JsonArray().add("private_key_jwt"))
                            .put("scopes_supported", new JsonArray(scopes == null ? List.of() : List.of(scopes)))
                            .put("code_challenge_methods_supported", new JsonArray().add("S256"));
                });
    }
}
