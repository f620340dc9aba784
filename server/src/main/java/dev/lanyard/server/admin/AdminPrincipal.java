package dev.lanyard.server.admin;

/** The admin token a request authenticated with. */
public record AdminPrincipal(String tokenId, String name, Role role) {
    public String actor() {
        return "admin_token:" + tokenId;
    }
}
