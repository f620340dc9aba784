package dev.lanyard.server.oidc;

import dev.lanyard.server.oauth.Grant;
import dev.lanyard.server.oauth.GrantRequest;
import dev.lanyard.server.oauth.OAuthException;
import dev.lanyard.server.oauth.OAuthUris;
import dev.lanyard.server.oauth.TokenForm;
import dev.lanyard.server.store.Database;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;

/**
 * {@code grant_type=authorization_code} at the org token endpoint, for sign-on apps and the console client: client
 * authentication of the app ({@code client_secret_basic} for confidential apps, {@code client_id} alone for public
 * ones and the console client, which PKCE then binds; {@code private_key_jwt} apps are authenticated by the token
 * endpoint before this runs), then {@link AuthorizationCodeGrant}.
 */
public final class AuthorizationCodeTokenGrant implements Grant {
    private static final Set<String> ALLOWED = Set.of("grant_type", "code", "redirect_uri", "code_verifier", "client_id",
            "client_assertion", "client_assertion_type", "resource");
    private final Database db;
    private final AuthorizationCodeGrant grant;
    private final OrgClients clients;

    AuthorizationCodeTokenGrant(Database db, AuthorizationCodeGrant grant, OrgClients clients) {
        this.db = db;
        this.grant = grant;
        this.clients = clients;
    }

    @Override
    public String grantType() {
        return OAuthUris.GRANT_AUTHORIZATION_CODE;
    }

    @Override
    public Set<String> parameters() {
        return ALLOWED;
    }

    @Override
    public boolean authenticatesClient() {
        return true;
    }

    @Override
    public Future<JsonObject> handle(GrantRequest req) {
        TokenForm form = req.form();
        // with a client assertion the endpoint has authenticated the app already (private_key_jwt)
        Future<Client> authenticated = req.client() != null
                ? Future.succeededFuture(new Client(req.client().clientId(), true))
                : authenticate(req.authorization(), form);
        return authenticated
                .compose(client -> grant.redeem(client.id(), client.authenticated(), form.get("code").orElse(null),
                        form.get("redirect_uri").orElse(null), form.get("code_verifier").orElse(null),
                        form.get("resource").orElse(null)));
    }

    private record Client(String id, boolean authenticated) {}

    private Future<Client> authenticate(String header, TokenForm form) {
        String paramId = form.get("client_id").orElse(null);
        if (header != null) {
            if (!header.regionMatches(true, 0, "Basic ", 0, 6)) {
                return Future.failedFuture(OAuthException.invalidClient("unsupported Authorization scheme"));
            }
            String id;
            String secret;
            try {
                String decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
                int colon = decoded.indexOf(':');
                if (colon < 0) {
                    throw new IllegalArgumentException();
                }
                // RFC 6749 §2.3.1: both parts are form-urlencoded before base64
                id = URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8);
                secret = URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return Future.failedFuture(OAuthException.invalidClient("malformed Basic credentials"));
            }
            if (paramId != null && !paramId.equals(id)) {
                return Future.failedFuture(OAuthException.invalidRequest("client_id does not match the credentials"));
            }
            return clients.find(db.pool(), id).map(found -> {
                if (found.isEmpty() || !found.get().active()) {
                    throw OAuthException.invalidClient("client authentication failed");
                }
                SignOnApp app = found.get();
                if (!"client_secret_basic".equals(app.authMethod()) || !app.secretMatches(secret)) {
                    throw OAuthException.invalidClient("client authentication failed");
                }
                return new Client(app.id(), true);
            });
        }
        if (paramId == null) {
            return Future.failedFuture(OAuthException.invalidClient("client authentication is required"));
        }
        return clients.find(db.pool(), paramId).map(found -> {
            if (found.isEmpty() || !found.get().active()) {
                throw OAuthException.invalidClient("client authentication failed");
            }
            SignOnApp app = found.get();
            if (app.confidential() || !"none".equals(app.authMethod())) {
                throw OAuthException.invalidClient("this client must authenticate with "
                        + app.authMethod());
            }
            return new Client(app.id(), false);
        });
    }
}
