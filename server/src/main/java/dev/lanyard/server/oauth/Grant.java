package dev.lanyard.server.oauth;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/** One grant type of a token endpoint. */
public interface Grant {
    String grantType();

    /** The form parameters this grant accepts; any other is refused. */
    Set<String> parameters();

    /**
     * True for grants whose clients are not agents (sign-on apps at the authorization_code grant): the endpoint then
     * leaves client authentication to the grant, which finds the credentials in {@link GrantRequest#authorization()}.
     */
    default boolean authenticatesClient() {
        return false;
    }

    /**
     * True for grants that change nothing before {@link GrantFacts#context}, which waits for
     * {@link GrantRequest#assertionClaimed()}: the endpoint then hands the request over as soon as the client
     * assertion's signature is verified, and the grant's read of its facts overlaps the {@code jti} claim's round trip.
     * The endpoint still answers nothing, success or refusal, before the claim has succeeded, and a replayed
     * assertion is refused as {@code invalid_client} whatever the grant found.
     */
    default boolean overlapsAssertionClaim() {
        return false;
    }

    /** The token response, or a failed future with an {@link OAuthException}. */
    Future<JsonObject> handle(GrantRequest request);
}
