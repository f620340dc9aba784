package dev.lanyard.server.oauth;

import com.nimbusds.jwt.JWTClaimsSet;
import java.util.Arrays;

/**
 * What Lanyard's own APIs check on an access token Lanyard issued for them (the Data API, the approvals API), after
 * the signature: that it names the API in {@code aud}, carries the API's scope, and has a {@code jti} to look up in
 * the token registry — where its live status is then checked.
 */
public final class FirstPartyAccessTokens {
    private FirstPartyAccessTokens() {}

    /** Why such a token (or its absence) was refused; the message is safe to show: it never quotes the token. */
    public static final class Refused extends RuntimeException {
        public Refused(String message) {
            super(message, null, false, false);
        }
    }

    /** A bearer value with a JWT's shape; anything else may still be an admin token. */
    public static boolean isJwt(String bearer) {
        return bearer.chars().filter(c -> c == '.').count() == 2;
    }

    public static JWTClaimsSet requireFor(JWTClaimsSet claims, String resource, String scope) {
        if (claims.getAudience() == null || !claims.getAudience().contains(resource)) {
            throw new Refused("the access token is not for this API (aud must be " + resource + ")");
        }
        Object granted = claims.getClaim("scope");
        if (!(granted instanceof String s) || Arrays.stream(s.split(" ")).noneMatch(scope::equals)) {
            throw new Refused("the access token lacks the scope " + scope);
        }
        if (claims.getJWTID() == null) {
            throw new Refused("the access token has no jti");
        }
        return claims;
    }
}
