package dev.lanyard.server.oauth;

import java.time.Instant;

/** A token we issued, as recorded for introspection, revocation and audit (never the token itself). */
public record IssuedToken(
        String jti,
        String kind,
        String serverId,
        String clientId,
        String agentId,
        String agentKeyId,
        String userId,
        String connectionId,
        String sessionId,
        String subject,
        String audience,
        String scope,
        Instant issuedAt,
        Instant expiresAt) {}
