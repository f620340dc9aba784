package dev.lanyard.server.oauth;

import com.nimbusds.jwt.JWTClaimsSet;
import java.util.Arrays;
import java.util.function.Function;

/**
 * What Lanyard's own APIs check on an access token Lanyard issued for them (the Data API, the approvals API), after
 * the signature: that it names the API in {@code aud}, carries the API's scope, and has a {@code jti} to look up in
 * the token registry — where its live status is then checked.
 */
public final class FirstPartyAccessTokens {
    private FirstPartyAccessTokens() {}

    /** A bearer value with a JWT's shape; anything else may still be an admin token. */
    public static boolean isJwt(String bearer) {
        return bearer.chars().filter(c -> c == '.').count() == 2;
    }

    /** @param refuse builds the caller's own refusal from a message that is safe to show */
    public static JWTClaimsSet requireFor(JWTClaimsSet claims, String resource, String scope,
                                          Function<String, ? extends RuntimeException> refuse) {
        if (claims.getAudience() == null || !claims.getAudience().contains(resource)) {
            throw refuse.apply("the access token is not for this API (aud must be " + resource + ")");
        }
        Object granted = claims.getClaim("scope");
        if (!(granted instanceof String s) || Arrays.stream(s.split(" ")).noneMatch(scope::equals)) {
            throw refuse.apply("the access token lacks the scope " + scope);
        }
        if (claims.getJWTID() == null) {
            throw refuse.apply("the access token has no jti");
        }
        return claims;
    }
}
