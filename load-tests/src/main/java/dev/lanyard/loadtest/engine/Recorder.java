package dev.lanyard.loadtest.engine;

import org.HdrHistogram.Histogram;

import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts and latencies of the measured requests. Confined to the generator's event-loop context, so plain
 * fields and maps are enough; no locks on the hot path.
 */
final class Recorder {

    /** Auto-resizing, three significant digits: 1 µs resolution below 1 ms, 0.1% above. */
    final Histogram latencyMicros = new Histogram(3);
    final Histogram serviceTimeMicros = new Histogram(3);
    final Map<Integer, Long> nonSuccessStatuses = new TreeMap<>();
    final Map<ErrorKind, Long> errors = new EnumMap<>(ErrorKind.class);
    final Map<ErrorKind, String> errorSamples = new EnumMap<>(ErrorKind.class);
    long sent;
    long ok;
    long windowStartNanos;
    long lastCompletionNanos;

    void response(int status, long intendedNanos, long connectedNanos, long endNanos) {
        if (status >= 200 && status < 300) {
            ok++;
            latencyMicros.recordValue(micros(endNanos - intendedNanos));
            serviceTimeMicros.recordValue(micros(endNanos - connectedNanos));
        } else {
            nonSuccessStatuses.merge(status, 1L, Long::sum);
        }
        completed(endNanos);
    }

    void failure(ErrorKind kind, String detail, long endNanos) {
        errors.merge(kind, 1L, Long::sum);
        errorSamples.putIfAbsent(kind, detail);
        completed(endNanos);
    }

    private void completed(long endNanos) {
        lastCompletionNanos = Math.max(lastCompletionNanos, endNanos);
    }

    private static long micros(long nanos) {
        return Math.max(0, nanos / 1000);
    }
}
