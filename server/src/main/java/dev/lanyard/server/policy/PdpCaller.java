package dev.lanyard.server.policy;

/** Who asked for a decision: an admin-API token (any role) or an OAuth client holding a {@code lanyard.pdp} token. */
public record PdpCaller(String actor) {}
