package dev.lanyard.server.agents;

import io.vertx.core.Future;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Agents as the admin API reads them, kept in memory between changes: a read is a map look-up instead of a database
 * round trip. Writes on this instance evict before they answer, so a client always reads its own writes; other
 * instances evict when the change's audit NOTIFY arrives (milliseconds), and every entry also expires after
 * {@link #TTL_MILLIS} in case a notification was lost. A load that started before an eviction is not cached, so a
 * slow read can never put an older agent back. Token grants never read through here: they need the live state.
 */
public final class AgentReadCache {
    static final long TTL_MILLIS = 30_000;
    private static final int MAX_ENTRIES = 10_000;
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicLong evictions = new AtomicLong();

    private record Entry(Agent agent, long until) {}

    public Future<Agent> get(String id, Supplier<Future<Agent>> load) {
        Entry e = entries.get(id);
        long now = System.currentTimeMillis();
        if (e != null && e.until > now) {
            return Future.succeededFuture(e.agent);
        }
        long before = evictions.get();
        return load.get().onSuccess(agent -> {
            if (evictions.get() == before) {
                if (entries.size() >= MAX_ENTRIES) {
                    entries.clear();
                }
                entries.put(id, new Entry(agent, System.currentTimeMillis() + TTL_MILLIS));
            }
        });
    }

    public void evict(String id) {
        evictions.incrementAndGet();
        entries.remove(id);
    }

    public void clear() {
        evictions.incrementAndGet();
        entries.clear();
    }

    /**
     * Reacts to an audit notification ({@code "<seq>:<target>"}, or {@code "resubscribed"} after a reconnect, when
     * notifications may have been missed).
     */
    public void onAuditNotification(Object payload) {
        String s = String.valueOf(payload);
        int colon = s.indexOf(':');
        if (colon < 0) {
            clear();
        } else if (s.startsWith("agt_", colon + 1)) {
            evict(s.substring(colon + 1));
        }
    }
}
