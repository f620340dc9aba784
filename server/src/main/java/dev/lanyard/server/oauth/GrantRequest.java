package dev.lanyard.server.oauth;

import dev.lanyard.server.http.Caller;

/**
 * A token request after client authentication: the form, the client (null for grants that authenticate their own
 * clients), the request's Authorization header, the caller's request id and address, and the server it was made at
 * ({@code server} is null at the org server).
 */
public record GrantRequest(TokenForm form, AuthenticatedClient client, String authorization, Caller caller,
                           String issuer, GrantFacts.Server server) {}
