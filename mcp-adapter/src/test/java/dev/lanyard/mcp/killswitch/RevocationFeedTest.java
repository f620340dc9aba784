package dev.lanyard.mcp.killswitch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The feed against a real Server-Sent Events endpoint: apply, resume after a drop, persist the cursor, fail closed. */
class RevocationFeedTest {
    private static final String TOKEN = "adapter-token-for-tests-0123456789";
    @TempDir
    Path dir;
    private HttpServer http;
    /** One entry per subscription: what the subscriber asked, and a queue of frames to send it (null closes). */
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final BlockingQueue<BlockingQueue<String>> subscriptions = new LinkedBlockingQueue<>();
    private RevocationFeed feed;
    /** The fake trail's last seq: a Last-Event-ID beyond it is refused with 409, as Lanyard does. */
    private volatile long head = 1_000;

    @BeforeEach
    void setUp() throws IOException {
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.setExecutor(Executors.newCachedThreadPool());
        http.createContext("/api/v1/revocations/stream", this::serve);
        http.start();
    }

    private void serve(HttpExchange ex) throws IOException {
        requests.add(ex.getRequestURI().getQuery() + "|" + ex.getRequestHeaders().getFirst("Last-Event-ID") + "|"
                + ex.getRequestHeaders().getFirst("Authorization"));
        if (!("Bearer " + TOKEN).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
            ex.sendResponseHeaders(401, -1);
            ex.close();
            return;
        }
        String lastEventId = ex.getRequestHeaders().getFirst("Last-Event-ID");
        if (lastEventId != null && Long.parseLong(lastEventId) > head) {
            // what Lanyard answers to a cursor from another database
            ex.sendResponseHeaders(409, -1);
            ex.close();
            return;
        }
        ex.getResponseHeaders().add("Content-Type", "text/event-stream");
        ex.sendResponseHeaders(200, 0);
        BlockingQueue<String> frames = new LinkedBlockingQueue<>();
        subscriptions.add(frames);
        OutputStream out = ex.getResponseBody();
        try {
            out.write(": lanyard audit stream\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            while (true) {
                String f = frames.poll(30, TimeUnit.SECONDS);
                if (f == null || f.equals("CLOSE")) {
                    break;
                }
                out.write(f.getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (InterruptedException | IOException e) {
            // subscriber gone
        } finally {
            ex.close();
        }
    }

    private static String event(long seq, String type, String agent) {
        return "id: " + seq + "\nevent: revocation\ndata: {\"seq\":" + seq + ",\"type\":\"" + type + "\",\"time\":\""
                + Instant.now() + "\",\"agent_id\":\"" + agent + "\"}\n\n";
    }

    private RevocationFeed feed(RevocationList list, Duration staleness, String token) {
        URI base = URI.create("http://127.0.0.1:" + http.getAddress().getPort());
        return new RevocationFeed(new RevocationFeed.Settings(base, token, staleness, Duration.ofSeconds(45),
                dir.resolve("cursor"), Duration.ofMillis(20), Duration.ofMillis(100)), list, HttpClient.newHttpClient(),
                System::nanoTime).start();
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 20 s: " + what);
            }
            Thread.sleep(5);
        }
    }

    @AfterEach
    void tearDown() {
        if (feed != null) {
            feed.close();
        }
        try {
            http.stop(0);
        } catch (IllegalStateException alreadyStopped) {
            // the fail-closed test stops it itself
        }
    }

    @Test
    void eventsAreAppliedAndTheFeedResumesAfterADrop() throws Exception {
        RevocationList list = new RevocationList(Clock.systemUTC(), Duration.ofHours(1));
        feed = feed(list, Duration.ofSeconds(30), TOKEN);
        BlockingQueue<String> first = subscriptions.poll(20, TimeUnit.SECONDS);
        assertEquals("after=0|null|Bearer " + TOKEN, requests.get(0), "a fresh adapter replays the feed from the start");
        await(feed::connected, "connected");
        first.add(": keep-alive\n\n");
        first.add(event(41, "agent.deactivated", "agt_1"));
        await(() -> feed.events() == 1, "first event applied");
        assertEquals(41, list.lastSeq());
        assertEquals("41", Files.readString(dir.resolve("cursor")));
        first.add("CLOSE");
        BlockingQueue<String> second = subscriptions.poll(20, TimeUnit.SECONDS);
        assertEquals("null|41|Bearer " + TOKEN, requests.get(1), "resumes after the last event it saw");
        second.add(event(42, "agent.deleted", "agt_2"));
        await(() -> feed.events() == 2, "second event applied");
        assertEquals(2, feed.connections());
        assertTrue(feed.unavailable().isEmpty());
        feed.close();

        // a restarted adapter resumes from the saved cursor
        feed = feed(new RevocationList(Clock.systemUTC(), Duration.ofHours(1)), Duration.ofSeconds(30), TOKEN);
        subscriptions.poll(20, TimeUnit.SECONDS);
        assertEquals("null|42|Bearer " + TOKEN, requests.get(2));
    }

    @Test
    void aLostFeedFailsClosedAfterTheBoundAndRecoversWhenItIsBack() throws Exception {
        feed = feed(new RevocationList(Clock.systemUTC(), Duration.ofHours(1)), Duration.ofMillis(300), TOKEN);
        BlockingQueue<String> s = subscriptions.poll(20, TimeUnit.SECONDS);
        await(feed::connected, "connected");
        // a connected feed is trusted however quiet it is (the server only writes keep-alives every 15 s)
        Thread.sleep(400);
        assertTrue(feed.unavailable().isEmpty());
        http.stop(0);
        s.add("CLOSE");
        await(() -> feed.unavailable().isPresent(), "fails closed once lost for longer than the bound");
        assertEquals("revocation feed unavailable", feed.unavailable().get());
    }

    @Test
    void aRefusedSubscriptionNeverCountsAsConnected() throws Exception {
        feed = feed(new RevocationList(Clock.systemUTC(), Duration.ofHours(1)), Duration.ofMillis(200), "wrong-token");
        await(() -> requests.size() >= 2, "retries");
        assertEquals(0, feed.connections());
        await(() -> feed.unavailable().isPresent(), "fails closed");
        assertNull(subscriptions.poll());
    }

    /** A cursor kept from another database (the server answers 409) is dropped and the whole feed replayed. */
    @Test
    void aCursorFromAnotherDatabaseIsDroppedAndTheFeedReplayed() throws Exception {
        Files.writeString(dir.resolve("cursor"), "1291");
        head = 5;
        RevocationList list = new RevocationList(Clock.systemUTC(), Duration.ofHours(1));
        feed = feed(list, Duration.ofSeconds(30), TOKEN);
        BlockingQueue<String> s = subscriptions.poll(20, TimeUnit.SECONDS);
        assertEquals("null|1291|Bearer " + TOKEN, requests.get(0), "first it resumes from the saved cursor");
        assertEquals("after=0|null|Bearer " + TOKEN, requests.get(1), "then, refused, replays from the start");
        assertTrue(Files.notExists(dir.resolve("cursor")) || !Files.readString(dir.resolve("cursor")).equals("1291"));
        await(feed::connected, "connected");
        s.add(event(3, "agent.deactivated", "agt_3"));
        await(() -> feed.events() == 1, "an event below the stale cursor is applied");
        assertEquals(3, list.lastSeq());
        assertEquals("3", Files.readString(dir.resolve("cursor")));
    }
}
