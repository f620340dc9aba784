package dev.lanyard.server.oauth;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/** One grant type of a token endpoint. */
public interface Grant {
    String grantType();

    /** The form parameters this grant accepts; any other is refused. */
    Set<String> parameters();

    /** The token response, or a failed future with an {@link OAuthException}. */
    Future<JsonObject> handle(GrantRequest request);
}
