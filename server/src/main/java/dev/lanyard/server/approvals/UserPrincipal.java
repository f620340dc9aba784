package dev.lanyard.server.approvals;

import dev.lanyard.server.http.Principal;

/**
 * A directory user calling the approvals API with the access token they got by signing in at the org server. They
 * see and decide only the approval requests of agents they own.
 */
public record UserPrincipal(String userId) implements Principal {
    @Override
    public String actor() {
        return "user:" + userId;
    }
}
