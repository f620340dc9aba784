package dev.lanyard.server.oidc;

import dev.lanyard.server.oauth.OAuthException;
import dev.lanyard.server.oauth.OAuthUris;
import dev.lanyard.server.oauth.TokenForm;
import dev.lanyard.server.store.Database;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;

/**
 * {@code POST /oauth2/v1/token} for {@code grant_type=authorization_code} only, until the general token endpoint
 * takes it over: strict form parsing, client authentication of sign-on apps ({@code client_secret_basic} for
 * confidential apps, {@code client_id} alone for public ones; {@code private_key_jwt} apps are not supported here
 * yet), then {@link AuthorizationCodeGrant}.
 */
public final class OrgTokenRoute {
    private static final Set<String> ALLOWED = Set.of("grant_type", "code", "redirect_uri", "code_verifier", "client_id");
    private final Database db;
    private final AuthorizationCodeGrant grant;

    public OrgTokenRoute(Database db, AuthorizationCodeGrant grant) {
        this.db = db;
        this.grant = grant;
    }

    public void mount(Router router, Handler<RoutingContext> readinessGate) {
        router.post("/oauth2/v1/token").handler(BodyHandler.create(false).setBodyLimit(TokenForm.MAX_BYTES))
                .handler(readinessGate).handler(this::handle).failureHandler(OAuthReplies::failure);
    }

    private void handle(RoutingContext ctx) {
        TokenForm form = TokenForm.parse(ctx.request().getHeader("Content-Type"), ctx.body().buffer());
        String grantType = form.require("grant_type");
        if (!grantType.equals(OAuthUris.GRANT_AUTHORIZATION_CODE)) {
            throw new OAuthException("unsupported_grant_type", "this endpoint supports grant_type=authorization_code");
        }
        if (form.has("client_assertion") || form.has("client_assertion_type")) {
            throw OAuthException.invalidClient("private_key_jwt client authentication is not supported yet for "
                    + "sign-on apps at this endpoint");
        }
        form.allowOnly(ALLOWED);
        authenticate(ctx, form)
                .compose(client -> grant.redeem(client.id(), client.authenticated(), form.get("code").orElse(null),
                        form.get("redirect_uri").orElse(null), form.get("code_verifier").orElse(null)))
                .compose(body -> OAuthReplies.noStore(ctx, body))
                .onFailure(ctx::fail);
    }

    private record Client(String id, boolean authenticated) {}

    private Future<Client> authenticate(RoutingContext ctx, TokenForm form) {
        String header = ctx.request().getHeader("Authorization");
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
            return SignOnApp.find(db.pool(), id).map(found -> {
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
        return SignOnApp.find(db.pool(), paramId).map(found -> {
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
