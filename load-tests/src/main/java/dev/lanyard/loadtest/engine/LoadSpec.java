package dev.lanyard.loadtest.engine;

import java.time.Duration;

/**
 * How much load to apply and for how long.
 *
 * @param concurrency closed loop: number of clients; rate mode: maximum open connections
 * @param ratePerSecond rate mode only
 * @param maxRequests stop issuing measured requests after this many (0 = bounded by duration only)
 * @param timeout a request with no response activity for this long counts as a timeout
 * @param maxBacklog rate mode: requests due but unanswered beyond this are not sent and counted as
 *                   {@link ErrorKind#NOT_SENT}, so a dead server cannot make the generator exhaust its memory
 */
public record LoadSpec(LoadMode mode, int concurrency, double ratePerSecond, Duration warmup, Duration duration,
                       long maxRequests, Duration timeout, int maxBacklog) {

    public LoadSpec {
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be >= 1");
        }
        if (mode == LoadMode.RATE && !(ratePerSecond > 0)) {
            throw new IllegalArgumentException("rate mode needs a rate > 0 requests/s");
        }
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("duration must be > 0");
        }
        if (warmup.isNegative()) {
            throw new IllegalArgumentException("warm-up must be >= 0");
        }
        if (maxRequests < 0) {
            throw new IllegalArgumentException("max requests must be >= 0");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be > 0");
        }
        if (maxBacklog < 1) {
            throw new IllegalArgumentException("max backlog must be >= 1");
        }
    }

    public static LoadSpec closed(int concurrency, Duration warmup, Duration duration) {
        return new LoadSpec(LoadMode.CLOSED, concurrency, 0, warmup, duration, 0, Duration.ofSeconds(10), 20_000);
    }

    public static LoadSpec rate(double perSecond, int maxConnections, Duration warmup, Duration duration) {
        return new LoadSpec(LoadMode.RATE, maxConnections, perSecond, warmup, duration, 0, Duration.ofSeconds(10), 20_000);
    }

    public LoadSpec withMaxRequests(long n) {
        return new LoadSpec(mode, concurrency, ratePerSecond, warmup, duration, n, timeout, maxBacklog);
    }

    public LoadSpec withTimeout(Duration t) {
        return new LoadSpec(mode, concurrency, ratePerSecond, warmup, duration, maxRequests, t, maxBacklog);
    }
}
