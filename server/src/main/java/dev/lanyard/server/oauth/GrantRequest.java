package dev.lanyard.server.oauth;

import dev.lanyard.server.http.Caller;
import io.vertx.core.Future;

/**
 * A token request after client authentication: the form, the client (null for grants that authenticate their own
 * clients), the request's Authorization header, the caller's request id and address, and the server it was made at
 * ({@code server} is null at the org server). {@code assertionClaimed} completes once the client assertion's
 * {@code jti} is claimed, and fails ({@code invalid_client}) if it was used before; it has already succeeded unless
 * the grant {@linkplain Grant#overlapsAssertionClaim() overlaps the claim}.
 */
public record GrantRequest(TokenForm form, AuthenticatedClient client, String authorization, Caller caller,
                           String issuer, GrantFacts.Server server, Future<Void> assertionClaimed) {

    /** A request whose client authentication, if any, is complete. */
    public GrantRequest(TokenForm form, AuthenticatedClient client, String authorization, Caller caller,
                        String issuer, GrantFacts.Server server) {
        this(form, client, authorization, caller, issuer, server, Future.succeededFuture());
    }
}
