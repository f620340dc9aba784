package dev.lanyard.loadtest.engine;

import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.util.Map;

/**
 * Outcome of one scenario's measured window (warm-up excluded).
 *
 * @param latencyMicros successful (2xx) requests, from intended send time to last response byte. In closed-loop
 *                      mode the intended time is the actual send time; in rate mode it is the timetable slot.
 * @param serviceTimeMicros successful requests, from the moment a connection was available to the last byte:
 *                          what a tool without coordinated-omission correction would report; shown for contrast
 * @param sent measured requests attempted (including those that failed)
 * @param elapsedSeconds from the end of warm-up to the last measured completion
 */
public record LoadResult(String scenario, String method, String path, LoadSpec spec, double elapsedSeconds,
                         long sent, long ok, Map<Integer, Long> nonSuccessStatuses, Map<ErrorKind, Long> errors,
                         Map<ErrorKind, String> errorSamples, int maxInFlight,
                         Histogram latencyMicros, Histogram serviceTimeMicros) {

    public LoadResult {
        nonSuccessStatuses = Map.copyOf(nonSuccessStatuses);
        errors = Map.copyOf(errors);
        errorSamples = Map.copyOf(errorSamples);
    }

    /** Requests that got an HTTP status, whatever it was. */
    public long responses() {
        return ok + nonSuccessStatuses.values().stream().mapToLong(Long::longValue).sum();
    }

    public long nonSuccess() {
        return responses() - ok;
    }

    public long errorCount(ErrorKind kind) {
        return errors.getOrDefault(kind, 0L);
    }

    public long failures() {
        return errors.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Successful requests per second: the figure the suite compares. */
    public double throughput() {
        return elapsedSeconds > 0 ? ok / elapsedSeconds : 0;
    }

    /** Answered requests (any status) per second. */
    public double responseRate() {
        return elapsedSeconds > 0 ? responses() / elapsedSeconds : 0;
    }

    public LatencySummary latency() {
        return LatencySummary.of(latencyMicros);
    }

    public LatencySummary serviceTime() {
        return LatencySummary.of(serviceTimeMicros);
    }

    /** Successful samples whose recorded latency is at least {@code threshold}. */
    public long latencyCountAtLeast(Duration threshold) {
        long micros = threshold.toNanos() / 1000;
        if (latencyMicros.getTotalCount() == 0 || latencyMicros.getMaxValue() < micros) {
            return 0;
        }
        return latencyMicros.getCountBetweenValues(micros, latencyMicros.getMaxValue());
    }
}
