package dev.lanyard.loadtest.cli;

import dev.lanyard.loadtest.engine.LoadMode;
import dev.lanyard.loadtest.engine.LoadSpec;
import picocli.CommandLine.Option;

import java.time.Duration;

/** Pacing options shared by {@code run} and {@code suite}. */
public final class LoadOptions {

    @Option(names = "--mode", defaultValue = "closed", converter = ModeConverter.class,
            description = "closed (N clients back to back) or rate (fixed timetable, latency from intended send time). Default: ${DEFAULT-VALUE}")
    LoadMode mode;

    @Option(names = {"-c", "--concurrency"}, defaultValue = "32",
            description = "Closed loop: concurrent clients. Rate mode: maximum connections. Default: ${DEFAULT-VALUE}")
    int concurrency;

    @Option(names = {"-r", "--rate"}, defaultValue = "0", description = "Rate mode: requests per second.")
    double rate;

    @Option(names = {"-d", "--duration"}, defaultValue = "20s", converter = DurationConverter.class,
            description = "Measured time per scenario. Default: ${DEFAULT-VALUE}")
    Duration duration;

    @Option(names = {"-w", "--warmup"}, defaultValue = "5s", converter = DurationConverter.class,
            description = "Unmeasured load before the measured time. Default: ${DEFAULT-VALUE}")
    Duration warmup;

    @Option(names = "--timeout", defaultValue = "10s", converter = DurationConverter.class,
            description = "A request with no response activity for this long is a timeout. Default: ${DEFAULT-VALUE}")
    Duration timeout;

    @Option(names = "--max-requests", defaultValue = "0",
            description = "Stop after this many measured requests per scenario (0: duration only).")
    long maxRequests;

    @Option(names = "--max-backlog", defaultValue = "20000",
            description = "Rate mode: unanswered requests beyond this are not sent and counted as not_sent. Default: ${DEFAULT-VALUE}")
    int maxBacklog;

    @Option(names = "--event-loops", defaultValue = "1",
            description = "Generator event loops. 1 leaves the other core(s) to a server on the same machine. Default: ${DEFAULT-VALUE}")
    int eventLoops;

    LoadSpec toSpec() {
        return new LoadSpec(mode, concurrency, rate, warmup, duration, maxRequests, timeout, maxBacklog);
    }

    static final class ModeConverter implements picocli.CommandLine.ITypeConverter<LoadMode> {
        @Override
        public LoadMode convert(String value) {
            return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
                case "closed", "closed-loop" -> LoadMode.CLOSED;
                case "rate", "constant-rate" -> LoadMode.RATE;
                default -> throw new picocli.CommandLine.TypeConversionException("mode must be closed or rate: " + value);
            };
        }
    }
}
