package dev.lanyard.loadtest.engine;

import dev.lanyard.loadtest.scenario.RequestPlan;
import dev.lanyard.loadtest.server.ServerProcess;
import dev.lanyard.loadtest.support.TestServer;
import dev.lanyard.loadtest.endpoint.LoopbackTarget;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Drives the generator against a real in-process HTTP server. Assertions compare what the generator recorded with
 * what the server observed, or with the timetable; none depends on how fast this machine is.
 */
class LoadGeneratorTest {

    private static Vertx generatorVertx;
    private static LoadGenerator generator;

    @BeforeAll
    static void startGenerator() {
        generatorVertx = LoadGenerator.newVertx(1);
        generator = new LoadGenerator(generatorVertx);
    }

    @AfterAll
    static void stopGenerator() throws Exception {
        generatorVertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static LoadResult run(int port, String path, LoadSpec spec) throws Exception {
        return generator.run("test", new LoopbackTarget("127.0.0.1", port), RequestPlan.get(path, Map.of()), spec)
                .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    @Test
    void countsEveryRequestAndEveryNon2xxStatus() throws Exception {
        AtomicLong served500 = new AtomicLong();
        AtomicLong served200 = new AtomicLong();
        try (TestServer server = TestServer.start((n, req, respond) -> {
            if (n % 5 == 0) {
                served500.incrementAndGet();
                respond.with(500);
            } else if (n % 7 == 0) {
                served200.incrementAndGet();
                req.response(); // keep the request open
                // Slow answers: the generator must wait for them and record their latency.
                Vertx.currentContext().owner().setTimer(120, id -> respond.with(200));
            } else {
                served200.incrementAndGet();
                respond.with(200);
            }
        })) {
            LoadResult r = run(server.port(), "/mixed", LoadSpec.closed(4, Duration.ZERO, Duration.ofMillis(1200)));

            assertEquals(server.requests.get(), r.sent(), "every measured request reached the server");
            assertEquals(r.sent(), r.responses(), "every request got a response");
            assertEquals(served200.get(), r.ok());
            assertEquals(Map.of(500, served500.get()), r.nonSuccessStatuses());
            assertEquals(0, r.failures());
            assertEquals(r.ok(), r.latency().count(), "only 2xx answers enter the latency histogram");
            assertTrue(r.latency().maxMs() >= 100, "slow answers recorded, max was " + r.latency().maxMs());
            assertTrue(r.latencyCountAtLeast(Duration.ofMillis(100)) >= 1);
            assertTrue(r.latency().p50Ms() < 100, "most answers fast, p50 was " + r.latency().p50Ms());
            assertTrue(r.sent() > 20, "load was generated: " + r.sent());
        }
    }

    @Test
    void stopsAfterMaxRequestsLongBeforeTheDuration() throws Exception {
        try (TestServer server = TestServer.start((n, req, respond) -> respond.with(200))) {
            LoadSpec spec = LoadSpec.closed(3, Duration.ZERO, Duration.ofMinutes(5)).withMaxRequests(250);
            LoadResult r = generator.run("test", new LoopbackTarget("127.0.0.1", server.port()),
                    RequestPlan.get("/", Map.of()), spec).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            assertEquals(250, r.sent());
            assertEquals(250, r.ok());
            assertEquals(250, server.requests.get());
        }
    }

    @Test
    void warmupRequestsAreNotRecorded() throws Exception {
        try (TestServer server = TestServer.start((n, req, respond) -> respond.with(200))) {
            LoadResult r = run(server.port(), "/", LoadSpec.closed(2, Duration.ofMillis(500), Duration.ofMillis(500)));
            assertTrue(r.sent() > 0);
            assertTrue(server.requests.get() > r.sent(),
                    "server saw " + server.requests.get() + " requests, recorded " + r.sent());
            assertEquals(r.sent(), r.ok());
        }
    }

    @Test
    void closedLoopNeverHasMoreThanConcurrencyRequestsInFlight() throws Exception {
        try (TestServer server = TestServer.start((n, req, respond) ->
                Vertx.currentContext().owner().setTimer(15, id -> respond.with(200)))) {
            LoadResult r = run(server.port(), "/", LoadSpec.closed(5, Duration.ZERO, Duration.ofSeconds(1)));
            assertTrue(server.maxInFlight.get() <= 5, "server saw " + server.maxInFlight.get() + " in flight");
            assertTrue(server.maxInFlight.get() >= 3, "clients ran concurrently: " + server.maxInFlight.get());
            assertTrue(r.maxInFlight() <= 5);
            assertEquals(r.sent(), r.ok());
        }
    }

    @Test
    void countsTimeoutsAndStopsByItself() throws Exception {
        try (TestServer server = TestServer.start((n, req, respond) -> {
            // never answers
        })) {
            LoadSpec spec = LoadSpec.closed(2, Duration.ZERO, Duration.ofMillis(800)).withTimeout(Duration.ofMillis(200));
            LoadResult r = run(server.port(), "/hang", spec);
            assertEquals(0, r.ok());
            assertTrue(r.errorCount(ErrorKind.TIMEOUT) >= 2, "timeouts: " + r.errors());
            assertEquals(r.sent(), r.failures(), "every request accounted for: " + r.errors());
        }
    }

    @Test
    void aPlanThatCannotBuildABodyEndsTheRunAndSaysWhy() throws Exception {
        try (TestServer server = TestServer.start((n, req, respond) -> respond.with(200))) {
            AtomicLong bodies = new AtomicLong();
            RequestPlan plan = new RequestPlan(io.vertx.core.http.HttpMethod.POST, "/token", Map.of(), () -> {
                if (bodies.incrementAndGet() > 50) {
                    throw new IllegalStateException("pool exhausted after 50");
                }
                return io.vertx.core.buffer.Buffer.buffer("x");
            });
            LoadSpec spec = LoadSpec.closed(4, Duration.ZERO, Duration.ofSeconds(30));
            long start = System.nanoTime();
            LoadResult r = generator.run("test", new LoopbackTarget("127.0.0.1", server.port()), plan, spec)
                    .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(10).toNanos(), "ended early, not after 30 s");
            assertEquals(50, r.ok());
            assertEquals(50, server.requests.get());
            assertTrue(r.errorCount(ErrorKind.OTHER) >= 1, "errors: " + r.errors());
            assertTrue(r.errorSamples().get(ErrorKind.OTHER).contains("pool exhausted after 50"), r.errorSamples().toString());
            assertEquals(r.sent(), r.ok() + r.failures());
        }
    }

    @Test
    void countsConnectionErrors() throws Exception {
        int closedPort = ServerProcess.freePort(); // nothing listens there
        LoadResult r = run(closedPort, "/", LoadSpec.closed(2, Duration.ZERO, Duration.ofMillis(300)));
        assertEquals(0, r.ok());
        assertTrue(r.errorCount(ErrorKind.CONNECT) > 0, "connect errors: " + r.errors() + " " + r.errorSamples());
        assertEquals(r.sent(), r.failures());
    }

    @Test
    void constantRateChargesAStallFromTheIntendedSendTime() throws Exception {
        long[] firstAt = {0};
        long[] stallUntil = {0};
        try (TestServer server = TestServer.start((n, req, respond) -> {
            long now = System.nanoTime();
            if (firstAt[0] == 0) {
                firstAt[0] = now;
            }
            // Once, 500 ms in, the server stops answering for 300 ms (a GC pause, a lock, a slow disk).
            if (stallUntil[0] == 0 && now - firstAt[0] > 500_000_000L) {
                stallUntil[0] = now + 300_000_000L;
            }
            long wait = (stallUntil[0] - now) / 1_000_000L;
            if (wait > 0) {
                Vertx.currentContext().owner().setTimer(wait, id -> respond.with(200));
            } else {
                respond.with(200);
            }
        })) {
            LoadResult r = run(server.port(), "/", LoadSpec.rate(200, 16, Duration.ZERO, Duration.ofSeconds(2)));

            assertEquals(400, r.sent(), "the timetable, not the server, decides how many requests are sent");
            assertEquals(400, r.ok());
            assertEquals(400, server.requests.get());
            assertTrue(r.latency().maxMs() >= 250, "stall charged in full, max " + r.latency().maxMs());
            // ~60 requests were due during the stall; ~45 of them waited at least 100 ms after their slot.
            long corrected = r.latencyCountAtLeast(Duration.ofMillis(100));
            long uncorrected = r.serviceTime().count() == 0 ? 0
                    : r.serviceTimeMicros().getCountBetweenValues(100_000, Math.max(100_000, r.serviceTimeMicros().getMaxValue()));
            assertTrue(corrected >= 20, "samples >= 100 ms: " + corrected);
            assertTrue(corrected > uncorrected,
                    "measuring from the actual send would hide queued requests: corrected " + corrected + ", uncorrected " + uncorrected);
        }
    }
}
