package dev.lanyard.loadtest.report;

import dev.lanyard.loadtest.engine.LatencySummary;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Request durations as the server measured them, read from its access log (the {@code lanyard.access} lines of a
 * suite's {@code server.log}). Set beside the generator's figures, they tell whether a tail is inside the server or
 * in what surrounds it (the generator, the machine's scheduler); binned by completion time, they show stalls that
 * hold every request in flight at once, and when.
 */
public final class ServerTimes {

    /** One access-log line: when the answer was written, the path, and how long the server took. */
    public record Request(long completedMillis, String path, long durationMicros) {}

    /** A stretch of {@code binMillis} whose slowest answer took at least the threshold. */
    public record SlowBin(long offsetMillis, int requests, double maxMs) {}

    /** The window's requests, their percentiles, and its slow bins in time order. */
    public record Summary(long fromMillis, long toMillis, LatencySummary latency, List<SlowBin> slowBins) {}

    private ServerTimes() {
    }

    /** The request an access-log line records, or empty for any other line (other loggers, truncated, not JSON). */
    public static Optional<Request> parse(String line) {
        if (!line.contains("\"lanyard.access\"")) {
            return Optional.empty();
        }
        try {
            JsonObject json = new JsonObject(line);
            JsonArray kvps = json.getJsonArray("kvpList");
            Long timestamp = json.getLong("timestamp");
            if (kvps == null || timestamp == null) {
                return Optional.empty();
            }
            String path = null;
            String duration = null;
            for (Object o : kvps) {
                if (!(o instanceof JsonObject kv)) {
                    continue;
                }
                if (kv.containsKey("path")) {
                    path = kv.getString("path");
                }
                if (kv.containsKey("duration_us")) {
                    duration = String.valueOf(kv.getValue("duration_us"));
                }
            }
            if (path == null || duration == null) {
                return Optional.empty();
            }
            return Optional.of(new Request(timestamp, path, Long.parseLong(duration)));
        } catch (DecodeException | ClassCastException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Every request in {@code log} whose path matches {@code path} (the whole path), in file order. */
    public static List<Request> read(Path log, Pattern path) throws IOException {
        List<Request> requests = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(log, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                parse(line).filter(r -> path.matcher(r.path()).matches()).ifPresent(requests::add);
            }
        }
        return requests;
    }

    /**
     * The requests completed in the last {@code last} before the latest one (all of them when {@code last} is null):
     * a suite measures each scenario last, after its warm-up, so the tail of the log is the measured window.
     */
    public static Summary summarize(List<Request> requests, Duration last, Duration bin, Duration slow) {
        if (requests.isEmpty()) {
            return new Summary(0, 0, LatencySummary.of(new Histogram(3)), List.of());
        }
        long to = requests.stream().mapToLong(Request::completedMillis).max().orElseThrow();
        long from = last == null ? requests.stream().mapToLong(Request::completedMillis).min().orElseThrow()
                : to - last.toMillis();
        long binMillis = Math.max(1, bin.toMillis());
        Histogram micros = new Histogram(3);
        TreeMap<Long, long[]> bins = new TreeMap<>(); // offset -> {requests, slowest µs}
        for (Request r : requests) {
            if (r.completedMillis() < from) {
                continue;
            }
            micros.recordValue(Math.max(0, r.durationMicros()));
            long[] b = bins.computeIfAbsent((r.completedMillis() - from) / binMillis * binMillis, k -> new long[2]);
            b[0]++;
            b[1] = Math.max(b[1], r.durationMicros());
        }
        long slowMicros = slow.toNanos() / 1000;
        List<SlowBin> slowBins = new ArrayList<>();
        bins.forEach((offset, b) -> {
            if (b[1] >= slowMicros) {
                slowBins.add(new SlowBin(offset, (int) b[0], b[1] / 1000.0));
            }
        });
        return new Summary(from, to, LatencySummary.of(micros), slowBins);
    }
}
