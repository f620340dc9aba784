package dev.lanyard.server.oidc;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.lanyard.server.keys.SigningKeys;
import dev.lanyard.server.oauth.TokenSigner;
import dev.lanyard.server.store.Database;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Tuple;
import java.util.Set;

/**
 * {@code GET|POST /oauth2/v1/userinfo} (OIDC Core §5.3): a bearer access token issued by the org server for this
 * endpoint ({@code typ at+jwt}, {@code aud} = this URL, unexpired, unrevoked) answers the user's claims. Anything else
 * is a 401 with {@code WWW-Authenticate: Bearer error="invalid_token"} (RFC 6750).
 */
final class UserInfoRoute {
    private final Database db;
    private final SigningKeys keys;
    private final String issuer;
    private final String audience;

    UserInfoRoute(Database db, SigningKeys keys, String baseUrl) {
        this.db = db;
        this.keys = keys;
        this.issuer = baseUrl;
        this.audience = AuthorizationCodeGrant.userinfoAudience(baseUrl);
    }

    void mount(Router router, Handler<RoutingContext> readinessGate) {
        router.get("/oauth2/v1/userinfo").handler(readinessGate).handler(this::handle).failureHandler(OAuthReplies::failure);
        router.post("/oauth2/v1/userinfo").handler(readinessGate).handler(this::handle).failureHandler(OAuthReplies::failure);
    }

    private void handle(RoutingContext ctx) {
        String header = ctx.request().getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            ctx.response().setStatusCode(401).putHeader("WWW-Authenticate", "Bearer realm=\"lanyard\"")
                    .putHeader("Cache-Control", "no-store").end();
            return;
        }
        JWTClaimsSet claims = verify(header.substring(7).trim());
        if (claims == null) {
            invalid(ctx, "the access token is invalid or expired");
            return;
        }
        db.pool().preparedQuery("SELECT u.id, u.login, u.email, u.display_name, u.status, "
                        + "(SELECT revoked_at IS NOT NULL FROM issued_tokens t WHERE t.jti = $2) AS revoked "
                        + "FROM users u WHERE u.id = $1")
                .execute(Tuple.of(claims.getSubject(), claims.getJWTID()))
                .onFailure(ctx::fail)
                .onSuccess(rows -> {
                    var it = rows.iterator();
                    var user = it.hasNext() ? it.next() : null;
                    if (user == null || !"ACTIVE".equals(user.getString("status"))
                            || Boolean.TRUE.equals(user.getBoolean("revoked"))) {
                        invalid(ctx, "the access token is no longer valid");
                        return;
                    }
                    OAuthReplies.json(ctx, 200, new JsonObject()
                            .put("sub", user.getString("id"))
                            .put("name", user.getString("display_name"))
                            .put("preferred_username", user.getString("login"))
                            .put("email", user.getString("email")), "no-store");
                });
    }

    /** Signature with the org server's published keys, typ at+jwt, iss, aud, exp; null if any check fails. */
    private JWTClaimsSet verify(String token) {
        try {
            DefaultJWTProcessor<SecurityContext> p = new DefaultJWTProcessor<>();
            p.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(new JOSEObjectType("at+jwt"),
                    new JOSEObjectType("application/at+jwt")));
            p.setJWSKeySelector(new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.ES256, JWSAlgorithm.RS256),
                    new ImmutableJWKSet<>(keys.publicKeys(TokenSigner.ORG))));
            p.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(audience,
                    new JWTClaimsSet.Builder().issuer(issuer).build(), Set.of("sub", "exp", "iat", "jti")));
            return p.process(token, null);
        } catch (Exception e) {
            return null;
        }
    }

    private static void invalid(RoutingContext ctx, String description) {
        ctx.response().setStatusCode(401)
                .putHeader("WWW-Authenticate", "Bearer realm=\"lanyard\", error=\"invalid_token\", error_description=\""
                        + description + "\"")
                .putHeader("Cache-Control", "no-store")
                .putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("error", "invalid_token").put("error_description", description).toBuffer());
    }
}
