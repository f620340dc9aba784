package dev.lanyard.mcp.guard;

import dev.lanyard.mcp.audit.ToolCallAuditRecord;
import dev.lanyard.mcp.token.VerifiedToken;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Binds MCP sessions ({@code Mcp-Session-Id}, protocol revisions up to 2025-11-25) to the principal that opened them:
 * the SDKs do not, so without this anyone holding a valid token of the same issuer could ride another agent's session
 * by learning its id. Later requests on a session must come from the same issuer, subject and client. A session the
 * adapter has not seen opened (it restarted) is bound to its first user. Also remembers the client's declared
 * {@code clientInfo} and protocol version for the audit trail. Idle sessions are forgotten after {@code idleTtl}.
 */
public final class SessionOwners {
    /** Who opened a session. */
    public record Owner(String issuer, String subject, String clientId) {
        public static Owner of(VerifiedToken t) {
            return new Owner(t.issuer(), t.subject(), t.clientId());
        }
    }

    public record Session(Owner owner, ToolCallAuditRecord.ClientInfo clientInfo, String protocolVersion) {}

    private record Entry(Session session, long lastUsedNanos) {}

    private final Map<String, Entry> sessions = new ConcurrentHashMap<>();
    private final long idleNanos;
    private final LongSupplier nanoClock;
    private final int maxSessions;

    public SessionOwners(Duration idleTtl, int maxSessions, LongSupplier nanoClock) {
        this.idleNanos = idleTtl.toNanos();
        this.maxSessions = maxSessions;
        this.nanoClock = nanoClock;
    }

    public SessionOwners() {
        this(Duration.ofHours(1), 100_000, System::nanoTime);
    }

    /** Records the owner of a session the server just created (the answer to initialize carried its id). */
    public void bind(String sessionId, VerifiedToken token, ToolCallAuditRecord.ClientInfo clientInfo, String protocolVersion) {
        if (sessions.size() >= maxSessions) {
            prune();
        }
        sessions.put(sessionId, new Entry(new Session(Owner.of(token), clientInfo, protocolVersion), nanoClock.getAsLong()));
    }

    /**
     * The session, if {@code token}'s principal may use it.
     *
     * @throws Refusal 403 (JSON-RPC {@code -32003}) when the session belongs to someone else
     */
    public Session use(String sessionId, VerifiedToken token) {
        Owner caller = Owner.of(token);
        long now = nanoClock.getAsLong();
        Entry e = sessions.compute(sessionId, (id, old) -> old == null || now - old.lastUsedNanos > idleNanos
                ? new Entry(new Session(caller, null, null), now)
                : new Entry(old.session, now));
        if (!e.session.owner.equals(caller)) {
            throw Refusal.error(new dev.lanyard.mcp.jsonrpc.JsonRpcError(403,
                    dev.lanyard.mcp.jsonrpc.JsonRpcError.SESSION_FORBIDDEN, "this session belongs to another principal"));
        }
        return e.session;
    }

    public void forget(String sessionId) {
        sessions.remove(sessionId);
    }

    public int size() {
        return sessions.size();
    }

    private void prune() {
        long now = nanoClock.getAsLong();
        sessions.values().removeIf(e -> now - e.lastUsedNanos > idleNanos);
    }
}
