package dev.lanyard.mcp.killswitch;

import dev.lanyard.mcp.token.RevocationCheck;
import dev.lanyard.mcp.token.VerifiedToken;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the kill switch has cut off, as the adapter applies it to tokens: individual tokens ({@code jti}) and grants
 * ({@code sid}) outright, and agents and users from a point in time — a token issued at or before an agent's
 * deactivation is refused, a token issued after a later reactivation is not.
 *
 * <p>Tokens carry their agent and user but not the key or connection they were issued through, so key and connection
 * events cut off every earlier token of their agent: broader than strictly needed, never narrower (the agent simply
 * fetches a new token, which the server refuses if the connection is still inactive).
 *
 * <p>{@code iat} has one-second resolution, so a token issued in the same second as a revocation counts as issued
 * before it. Entries are dropped once every token they could match has expired ({@code maxTokenLifetime}).
 */
public final class RevocationList implements RevocationCheck {
    private final Clock clock;
    private final Duration maxTokenLifetime;
    private final Map<String, Instant> jtis = new ConcurrentHashMap<>();
    private final Map<String, Instant> sessions = new ConcurrentHashMap<>();
    private final Map<String, Instant> agentCutoffs = new ConcurrentHashMap<>();
    private final Map<String, Instant> userCutoffs = new ConcurrentHashMap<>();
    private volatile long lastSeq;

    public RevocationList(Clock clock, Duration maxTokenLifetime) {
        this.clock = clock;
        this.maxTokenLifetime = maxTokenLifetime;
    }

    public void apply(Revocation r) {
        if (r.time().isBefore(clock.instant().minus(maxTokenLifetime))) {
            // every token this could concern has expired already (a replay of old history)
            lastSeq = Math.max(lastSeq, r.seq());
            return;
        }
        switch (r.type()) {
            case "oauth.token.revoked" -> {
                put(jtis, r.jti(), r.time());
                put(sessions, r.sessionId(), r.time());
            }
            case "user.suspended", "user.deprovisioned", "user.deleted" -> put(userCutoffs, r.userId(), r.time());
            default -> {
                // agent.*, agent.credential.*, connection.*: every earlier token of the agent
                put(agentCutoffs, r.agentId(), r.time());
                put(userCutoffs, r.userId(), r.time());
                put(sessions, r.sessionId(), r.time());
                put(jtis, r.jti(), r.time());
            }
        }
        lastSeq = Math.max(lastSeq, r.seq());
    }

    private static void put(Map<String, Instant> m, String key, Instant time) {
        if (key != null) {
            m.merge(key, time, (a, b) -> a.isAfter(b) ? a : b);
        }
    }

    @Override
    public Optional<String> revoked(VerifiedToken t) {
        if (jtis.containsKey(t.jti())) {
            return Optional.of("token revoked");
        }
        if (t.sessionId() != null && sessions.containsKey(t.sessionId())) {
            return Optional.of("token revoked");
        }
        if (issuedBefore(t, agentCutoffs.get(t.agentId() != null ? t.agentId() : t.clientId()))) {
            return Optional.of("agent deactivated");
        }
        String principal = t.principalId();
        if (principal != null && issuedBefore(t, userCutoffs.get(principal))) {
            return Optional.of("user deactivated");
        }
        return Optional.empty();
    }

    /** {@code iat} is whole seconds: the same second as the cutoff counts as before it (refuse when unsure). */
    private static boolean issuedBefore(VerifiedToken t, Instant cutoff) {
        return cutoff != null && !Instant.ofEpochSecond(t.issuedAt().getEpochSecond()).isAfter(cutoff);
    }

    /** Forgets entries older than any token that could still be valid. */
    public void prune() {
        Instant horizon = clock.instant().minus(maxTokenLifetime);
        for (Map<String, Instant> m : java.util.List.of(jtis, sessions, agentCutoffs, userCutoffs)) {
            m.values().removeIf(t -> t.isBefore(horizon));
        }
    }

    public long lastSeq() {
        return lastSeq;
    }

    public int size() {
        return jtis.size() + sessions.size() + agentCutoffs.size() + userCutoffs.size();
    }
}
