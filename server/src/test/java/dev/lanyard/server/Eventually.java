package dev.lanyard.server;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * Waits for something the server does asynchronously (decision-log batches, hot reload). The bound is generous and
 * only stops a broken test from hanging: it is not a performance assertion, and how long it took is measured elsewhere.
 */
public final class Eventually {
    private Eventually() {}

    public static <T> T until(Supplier<T> probe, java.util.function.Predicate<T> done, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        T last = probe.get();
        while (!done.test(last)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("gave up waiting for " + what + "; last seen: " + last);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            last = probe.get();
        }
        return last;
    }
}
