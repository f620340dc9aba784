package dev.lanyard.loadtest.scenario;

import dev.lanyard.loadtest.engine.LoadMode;
import dev.lanyard.loadtest.engine.LoadSpec;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.stream.IntStream;

/**
 * Client assertions signed before the load starts and handed out once each, in signing order.
 *
 * <p>Every token request needs an assertion with a new {@code jti} (the server refuses a replay), and an ES256
 * signature costs about 1 ms of CPU on the shared two-core machine. Signing per request would spend on the generator
 * the CPU the server under test needs, so the assertions are signed during setup, outside the measured window. They
 * live five minutes from signing, so the run must start and end within that time (the scenarios check this).
 *
 * <p>When the pool runs out, {@link #next()} throws: the generator then ends the run and reports the reason as an
 * {@code other} error, rather than signing on its event loop and measuring itself.
 */
public final class AssertionPool {

    /** Planned peak rate in closed-loop mode: above the targets (2,000 and 1,000 tokens/s) with room to spare. */
    static final int PLANNED_RATE = 5_000;
    /**
     * Upper bound: about 80 s of signing on two cores and 150 MB of assertions. 150,000 ran out at 1,866 tokens/s over
     * the 95 s of a token run's warm-up and measurement (2026-12-07).
     */
    static final int MAX_SIZE = 300_000;
    static final int MIN_SIZE = 1_000;

    private final String[] assertions;
    private final Instant earliestExpiry;
    private final Clock clock;
    private final Duration signingTime;
    private int next;

    private AssertionPool(String[] assertions, Instant earliestExpiry, Clock clock, Duration signingTime) {
        this.assertions = assertions;
        this.earliestExpiry = earliestExpiry;
        this.clock = clock;
        this.signingTime = signingTime;
    }

    /** How many assertions a run with {@code spec} needs: warm-up plus duration at the rate, within bounds. */
    public static int plannedSize(LoadSpec spec) {
        double seconds = (spec.warmup().toMillis() + spec.duration().toMillis()) / 1000.0;
        double rate = spec.mode() == LoadMode.RATE ? spec.ratePerSecond() : PLANNED_RATE;
        // Rate mode sends exactly rate x time; a few extra cover the probe request and rounding.
        double needed = Math.ceil(seconds * rate) + spec.concurrency() + 10;
        return (int) Math.max(MIN_SIZE, Math.min(MAX_SIZE, needed));
    }

    /**
     * Signs {@code size} assertions with {@code jti}s unique to this pool, on every core (the server is idle
     * during setup). Blocks: call it from a worker thread, never from an event loop.
     */
    public static AssertionPool sign(ClientAssertionSigner signer, int size, Clock clock) {
        if (size < 1) {
            throw new IllegalArgumentException("pool size must be >= 1");
        }
        String prefix = "lt-" + UUID.randomUUID();
        Instant start = clock.instant();
        // Assertion i is signed no earlier than start, so start + lifetime bounds every expiry from below.
        Instant earliestExpiry = start.plus(ClientAssertionSigner.LIFETIME);
        String[] assertions = IntStream.range(0, size).parallel()
                .mapToObj(i -> signer.sign(prefix + "-" + i))
                .toArray(String[]::new);
        return new AssertionPool(assertions, earliestExpiry, clock, Duration.between(start, clock.instant()));
    }

    /** The next unused assertion. Called on the generator's event loop: no locking, no signing. */
    public String next() {
        if (next >= assertions.length) {
            throw new IllegalStateException("client assertion pool exhausted after " + assertions.length
                    + " pre-signed assertions; shorten --warmup/--duration or use --mode rate");
        }
        if (clock.millis() >= earliestExpiry.toEpochMilli()) {
            throw new IllegalStateException("pre-signed client assertions expired (they live "
                    + ClientAssertionSigner.LIFETIME.toMinutes() + " min from setup); the run must end within that time");
        }
        String assertion = assertions[next];
        assertions[next++] = null; // handed out once; let it go
        return assertion;
    }

    public int size() {
        return assertions.length;
    }

    public int remaining() {
        return assertions.length - next;
    }

    public Duration signingTime() {
        return signingTime;
    }

    public Instant earliestExpiry() {
        return earliestExpiry;
    }

    /**
     * Fails when a run of {@code spec} started now would still be sending after the first assertions expire.
     * Ten seconds of margin cover the probe request and the start of the run.
     */
    public void requireLifetimeFor(LoadSpec spec) {
        Instant runEnd = clock.instant().plus(spec.warmup()).plus(spec.duration()).plusSeconds(10);
        if (runEnd.isAfter(earliestExpiry)) {
            throw new IllegalStateException("signing " + size() + " client assertions took " + signingTime.toSeconds()
                    + " s; a run of warm-up + duration would outlive them (" + ClientAssertionSigner.LIFETIME.toMinutes()
                    + " min from signing): shorten --warmup/--duration");
        }
    }
}
