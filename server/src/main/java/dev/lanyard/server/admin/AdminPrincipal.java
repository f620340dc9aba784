package dev.lanyard.server.admin;

import dev.lanyard.server.http.Principal;

/** The admin token a request authenticated with. */
public record AdminPrincipal(String tokenId, String name, Role role) implements Principal {
    @Override
    public String actor() {
        return "admin_token:" + tokenId;
    }
}
