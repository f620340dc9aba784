package dev.lanyard.server.oauth;

/**
 * The client a token request authenticated as. For an agent (private_key_jwt with one of its registered keys):
 * {@code agentId} and {@code agentKeyId} say which agent and which key, so tokens can be traced and revoked by them.
 */
public record AuthenticatedClient(String clientId, String agentId, String agentKeyId, String kid, String method) {}
