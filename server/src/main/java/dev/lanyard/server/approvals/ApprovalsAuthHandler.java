package dev.lanyard.server.approvals;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.lanyard.server.admin.AdminAuthHandler;
import dev.lanyard.server.http.ApiRouter;
import dev.lanyard.server.http.Caller;
import dev.lanyard.server.oauth.FirstPartyAccessTokens;
import dev.lanyard.server.oauth.FirstPartyAccessTokens.Refused;
import dev.lanyard.server.oauth.OAuthUris;
import dev.lanyard.server.oauth.SignedJwts;
import dev.lanyard.server.oauth.TokenSigner;
import dev.lanyard.server.oauth.TokenStatus;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.text.ParseException;
import java.time.Clock;
import java.util.List;

/**
 * Authenticates {@code /api/v1/approvals}. A bearer that is not a JWT is an admin token and goes to
 * {@link AdminAuthHandler} unchanged (roles, cache, audit). A JWT must be a person's access token for this API, as the
 * org authorization server issues it to the built-in console client after a sign-in: RFC 9068 ({@code typ at+jwt})
 * signed with an org key, {@code iss} the base URL, {@code aud} {@link #resourceUri}, scope {@link #SCOPE},
 * unexpired; and in the token registry as that very token, still active (unrevoked, unexpired, its user ACTIVE).
 * The registry is asked on every request, never cached, so a suspension or revocation takes effect at once; the
 * approvals API is far too quiet for that look-up to matter. Every other {@code /api/v1} endpoint stays behind
 * AdminAuthHandler, which refuses such a token like any unknown admin token.
 */
public final class ApprovalsAuthHandler implements Handler<RoutingContext> {
    public static final String SCOPE = "lanyard.approvals";
    private static final List<JOSEObjectType> TYPES = List.of(new JOSEObjectType(OAuthUris.TYP_ACCESS_TOKEN),
            new JOSEObjectType("application/" + OAuthUris.TYP_ACCESS_TOKEN));

    private final String issuer;
    private final String resource;
    private final AdminAuthHandler admins;
    private final TokenSigner signer;
    private final TokenStatus status;
    private final Clock clock = Clock.systemUTC();

    public ApprovalsAuthHandler(String baseUrl, AdminAuthHandler admins, TokenSigner signer, TokenStatus status) {
        this.issuer = baseUrl;
        this.resource = resourceUri(baseUrl);
        this.admins = admins;
        this.signer = signer;
        this.status = status;
    }

    /** The approvals API's resource indicator (RFC 8707): a person's access token for it carries it in {@code aud}. */
    public static String resourceUri(String baseUrl) {
        return baseUrl + ApiRouter.PREFIX + "/approvals";
    }

    @Override
    public void handle(RoutingContext ctx) {
        SignedJWT jwt = bearerJwt(ctx.request().getHeader("Authorization"));
        if (jwt == null) {
            admins.handle(ctx);
            return;
        }
        JWTClaimsSet claims;
        try {
            claims = verify(jwt);
        } catch (Refused e) {
            admins.refuse(ctx, "invalid_user_token", "Invalid access token: " + e.getMessage());
            return;
        }
        status.lookup(claims.getJWTID()).onFailure(ctx::fail).onSuccess(found -> {
            boolean active = found.filter(r -> r.active() && TokenSigner.ORG.equals(r.serverId())
                    && "ACCESS_TOKEN".equals(r.kind()) && resource.equals(r.audience())
                    && claims.getSubject().equals(r.userId())).isPresent();
            if (!active) {
                admins.refuse(ctx, "inactive_user_token",
                        "The access token is revoked or expired, or its user is no longer active");
                return;
            }
            Caller.authenticate(ctx, new UserPrincipal(claims.getSubject()));
            ctx.next();
        });
    }

    /** The bearer token as a signed JWT, or null when it is none (so it may be an admin token, or missing). */
    private static SignedJWT bearerJwt(String header) {
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String token = header.substring(7).trim();
        if (!FirstPartyAccessTokens.isJwt(token)) {
            return null;
        }
        try {
            return SignedJWT.parse(token);
        } catch (ParseException | ClassCastException e) {
            return null;
        }
    }

    /** Signature, typ, alg and time (SignedJwts), then issuer, audience, scope and the claims the registry needs. */
    private JWTClaimsSet verify(SignedJWT jwt) {
        JWTClaimsSet claims = SignedJwts.verify(jwt, TYPES, signer.publicKeys(TokenSigner.ORG), clock.instant(),
                Refused::new);
        if (!issuer.equals(claims.getIssuer())) {
            throw new Refused("not issued by this server's org authorization server");
        }
        FirstPartyAccessTokens.requireFor(claims, resource, SCOPE);
        if (claims.getSubject() == null) {
            throw new Refused("sub is required");
        }
        return claims;
    }
}
