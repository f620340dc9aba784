package dev.lanyard.server.store;

import io.vertx.core.Future;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Rows kept in memory between changes, by id: a read is a map look-up instead of a database round trip. Writes on
 * this instance evict before they answer, so a client always reads its own writes; other instances evict when the
 * change's audit NOTIFY arrives (milliseconds), and every entry also expires after {@link #TTL_MILLIS} in case a
 * notification was lost. A load that started before an eviction is not cached, so a slow read can never put an older
 * row back. Nothing that decides whether a token is issued is only read through here: a grant may use a kept value
 * to get started (a server to route to, an agent's keys to check a signature with), but its own live read decides.
 *
 * @param <V> the cached value
 */
public final class ReadCache<V> {
    static final long TTL_MILLIS = 30_000;
    private static final int MAX_ENTRIES = 10_000;
    private final String idPrefix;
    private final ConcurrentHashMap<String, Entry<V>> entries = new ConcurrentHashMap<>();
    private final AtomicLong evictions = new AtomicLong();

    private record Entry<V>(V value, long until) {}

    /** @param idPrefix the prefix of the ids it holds ({@code agt_}): audit events about other targets are ignored */
    public ReadCache(String idPrefix) {
        this.idPrefix = idPrefix;
    }

    public Future<V> get(String id, Supplier<Future<V>> load) {
        Entry<V> e = entries.get(id);
        long now = System.currentTimeMillis();
        if (e != null && e.until > now) {
            return Future.succeededFuture(e.value);
        }
        long before = evictions.get();
        return load.get().onSuccess(value -> {
            if (evictions.get() == before) {
                if (entries.size() >= MAX_ENTRIES) {
                    entries.clear();
                }
                entries.put(id, new Entry<>(value, System.currentTimeMillis() + TTL_MILLIS));
            }
        });
    }

    /** The kept value, or null when there is none or it has expired. */
    public V peek(String id) {
        Entry<V> e = entries.get(id);
        return e != null && e.until > System.currentTimeMillis() ? e.value : null;
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
        } else if (s.startsWith(idPrefix, colon + 1)) {
            evict(s.substring(colon + 1));
        }
    }
}
