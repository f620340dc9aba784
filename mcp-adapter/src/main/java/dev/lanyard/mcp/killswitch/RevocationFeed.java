package dev.lanyard.mcp.killswitch;

import dev.lanyard.mcp.http.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the server's kill-switch feed ({@code GET /api/v1/revocations/stream}, Server-Sent Events) and applies every
 * {@code revocation} event to a {@link RevocationList}. Reconnects with backoff and resumes with {@code Last-Event-ID}
 * so no event is skipped; the last event id is kept in {@code cursorFile} so a restarted adapter resumes too. Without a
 * cursor, it replays the whole feed ({@code ?after=0}): events older than the longest token lifetime are ignored, the
 * rest close the window in which a token could outlive a revocation that happened while the adapter was down.
 *
 * <p><b>Failing closed.</b> While connected, the adapter trusts the feed; the server writes a keep-alive comment every
 * 15 s, so a connection silent for {@code idleTimeout} is presumed dead and dropped. Once the feed has been lost for
 * longer than {@code maxStaleness}, {@link #unavailable()} says so and the adapter refuses calls: it can no longer know
 * whether a token was cut off.
 */
public final class RevocationFeed implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RevocationFeed.class);

    /**
     * @param cursorFile  where the last event id is kept across restarts (null: in memory only)
     * @param idleTimeout longest silence tolerated on an open connection (above the server's 15 s keep-alive)
     */
    public record Settings(URI serverBase, String adapterToken, Duration maxStaleness, Duration idleTimeout, Path cursorFile,
                           Duration reconnectMin, Duration reconnectMax) {
        public static Settings of(URI serverBase, String adapterToken, Duration maxStaleness, Path cursorFile) {
            return new Settings(serverBase, adapterToken, maxStaleness, Duration.ofSeconds(45), cursorFile,
                    Duration.ofMillis(100), Duration.ofSeconds(5));
        }
    }

    private final Settings settings;
    private final RevocationList list;
    private final HttpClient http;
    private final LongSupplier nanoClock;
    private final Thread reader;
    private final ScheduledExecutorService watchdog;
    private final AtomicLong events = new AtomicLong();
    private final AtomicLong connections = new AtomicLong();
    private volatile boolean closed;
    private volatile boolean connected;
    private volatile long lastHeardNanos;
    private volatile long lostSinceNanos;
    private volatile InputStream current;
    private volatile String cursor;

    public RevocationFeed(Settings settings, RevocationList list, HttpClient http, LongSupplier nanoClock) {
        this.settings = settings;
        this.list = list;
        this.http = http;
        this.nanoClock = nanoClock;
        this.cursor = readCursor(settings.cursorFile);
        this.reader = new Thread(this::run, "lanyard-revocation-feed");
        this.reader.setDaemon(true);
        this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lanyard-revocation-watchdog");
            t.setDaemon(true);
            return t;
        });
    }

    public RevocationFeed start() {
        lostSinceNanos = nanoClock.getAsLong();
        lastHeardNanos = lostSinceNanos;
        reader.start();
        long period = Math.max(100, Math.min(settings.idleTimeout.toMillis(), settings.maxStaleness.toMillis()) / 4);
        watchdog.scheduleAtFixedRate(this::checkIdle, period, period, TimeUnit.MILLISECONDS);
        return this;
    }

    /** Empty while the feed can be trusted; otherwise why calls must be refused. */
    public Optional<String> unavailable() {
        if (connected) {
            return Optional.empty();
        }
        long lost = nanoClock.getAsLong() - lostSinceNanos;
        return lost > settings.maxStaleness.toNanos() ? Optional.of("revocation feed unavailable") : Optional.empty();
    }

    public boolean connected() {
        return connected;
    }

    /** Revocation events applied since start. */
    public long events() {
        return events.get();
    }

    /** Successful (HTTP 200) subscriptions since start. */
    public long connections() {
        return connections.get();
    }

    private void run() {
        long backoff = settings.reconnectMin.toMillis();
        while (!closed) {
            try {
                if (follow()) {
                    backoff = settings.reconnectMin.toMillis();
                }
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                if (!closed) {
                    LOG.warn("revocation feed: {}", e.toString());
                }
            }
            if (closed) {
                return;
            }
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                return;
            }
            backoff = Math.min(backoff * 2, settings.reconnectMax.toMillis());
        }
    }

    /** One subscription, until it ends; true if it got as far as a 200. */
    private boolean follow() throws IOException, InterruptedException {
        String query = cursor == null ? "?after=0" : "";
        HttpRequest.Builder b = HttpRequest.newBuilder(settings.serverBase.resolve("/api/v1/revocations/stream" + query))
                .header("Accept", "text/event-stream")
                .header("Authorization", "Bearer " + settings.adapterToken)
                .timeout(Duration.ofSeconds(10));
        if (cursor != null) {
            b.header("Last-Event-ID", cursor);
        }
        HttpResponse<InputStream> r = http.send(b.GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        if (r.statusCode() == 409 && cursor != null) {
            // our cursor is past the end of the server's trail: it was kept from another database (a new or restored
            // one). Resuming from it would skip revocations, so the whole feed is replayed instead.
            r.body().close();
            LOG.warn("revocation feed cursor {} is beyond the server's audit trail (another database?): replaying "
                    + "the whole feed", cursor);
            cursor = null;
            forgetCursor();
            return false;
        }
        if (r.statusCode() != 200) {
            r.body().close();
            LOG.warn("revocation feed refused the subscription: HTTP {}", r.statusCode());
            return false;
        }
        current = r.body();
        heard();
        connected = true;
        connections.incrementAndGet();
        LOG.info("revocation feed connected{}", cursor == null ? " (replaying from the start)" : " (resuming after " + cursor + ")");
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            String id = null;
            String event = null;
            StringBuilder data = new StringBuilder();
            String line;
            while (!closed && (line = in.readLine()) != null) {
                heard();
                if (line.isEmpty()) {
                    if (data.length() > 0 && (event == null || "revocation".equals(event))) {
                        dispatch(id, data.toString());
                    }
                    id = null;
                    event = null;
                    data.setLength(0);
                } else if (!line.startsWith(":")) {
                    int colon = line.indexOf(':');
                    String field = colon < 0 ? line : line.substring(0, colon);
                    String value = colon < 0 ? "" : line.substring(colon + 1).replaceFirst("^ ", "");
                    switch (field) {
                        case "id" -> id = value;
                        case "event" -> event = value;
                        case "data" -> data.append(data.length() > 0 ? "\n" : "").append(value);
                        default -> { }
                    }
                }
            }
        } finally {
            // the stream ended: it was alive until now — unless the watchdog dropped it for silence, in which case it
            // already dated the loss back to the last sign of life
            if (!closed && connected) {
                heard();
                lostSinceNanos = lastHeardNanos;
            }
            connected = false;
            current = null;
        }
        return true;
    }

    private void heard() {
        lastHeardNanos = nanoClock.getAsLong();
    }

    private void dispatch(String id, String data) {
        try {
            Revocation r = Revocation.fromJson(Json.parse(data));
            list.apply(r);
            String next = id != null ? id : Long.toString(r.seq());
            cursor = next;
            writeCursor(next);
            // counted last: whoever sees the count (a test, a health check) may rely on the cursor being saved
            events.incrementAndGet();
        } catch (Exception e) {
            LOG.error("revocation feed: unreadable event {} skipped", id, e);
        }
    }

    /** A connection that stays silent past {@code idleTimeout} is dead without knowing it: drop it, reconnect. */
    private void checkIdle() {
        try {
            if (connected && nanoClock.getAsLong() - lastHeardNanos > settings.idleTimeout.toNanos()) {
                LOG.warn("revocation feed silent for {} s; reconnecting", settings.idleTimeout.toSeconds());
                long silentSince = lastHeardNanos;
                connected = false;
                lostSinceNanos = silentSince;
                InputStream s = current;
                if (s != null) {
                    s.close();
                }
            }
            list.prune();
        } catch (Exception e) {
            LOG.warn("revocation feed watchdog: {}", e.toString());
        }
    }

    private static String readCursor(Path file) {
        try {
            return file != null && Files.exists(file) ? Files.readString(file).trim() : null;
        } catch (IOException e) {
            return null;
        }
    }

    private void writeCursor(String id) {
        Path file = settings.cursorFile;
        if (file == null) {
            return;
        }
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, id);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            LOG.warn("revocation feed cursor not saved: {}", e.toString());
        }
    }

    private void forgetCursor() {
        Path file = settings.cursorFile;
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("stale revocation feed cursor not removed: {}", e.toString());
        }
    }

    @Override
    public void close() {
        closed = true;
        watchdog.shutdownNow();
        reader.interrupt();
        InputStream s = current;
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
