package dev.lanyard.loadtest.cli;

import dev.lanyard.loadtest.engine.LatencySummary;
import dev.lanyard.loadtest.report.ServerTimes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Percentiles and stalls of the server's own request durations, from a suite's {@code server.log}. */
@Command(name = "server-times", mixinStandardHelpOptions = true,
        description = "Request durations measured by the server, from its access log (a suite's server.log): "
                + "percentiles over the last window, and the bins whose slowest request reached --slow.")
public final class ServerTimesCommand implements Callable<Integer> {

    @Parameters(index = "0", description = "The server's log, e.g. <suite --out>/server.log")
    Path log;

    @Option(names = "--path", defaultValue = ".*/v1/token",
            description = "Regular expression for the whole request path. Default: ${DEFAULT-VALUE}")
    String path;

    @Option(names = "--last", defaultValue = "20s", converter = DurationConverter.class,
            description = "Window ending at the last matching request; 0 for every request. Default: ${DEFAULT-VALUE}")
    Duration last;

    @Option(names = "--bin", defaultValue = "100ms", converter = DurationConverter.class,
            description = "Bin width for stalls. Default: ${DEFAULT-VALUE}")
    Duration bin;

    @Option(names = "--slow", defaultValue = "45ms", converter = DurationConverter.class,
            description = "List the bins whose slowest request took at least this long. Default: ${DEFAULT-VALUE}")
    Duration slow;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!Files.isRegularFile(log)) {
            err.println("error: no such file: " + log);
            return 2;
        }
        Pattern pattern;
        try {
            pattern = Pattern.compile(path);
        } catch (PatternSyntaxException e) {
            err.println("error: --path is not a regular expression: " + e.getDescription());
            return 2;
        }
        List<ServerTimes.Request> requests = ServerTimes.read(log, pattern);
        if (requests.isEmpty()) {
            err.println("error: no access-log line for a path matching '" + path + "' in " + log
                    + " (is LANYARD_ACCESS_LOG off?)");
            return 1;
        }
        ServerTimes.Summary s = ServerTimes.summarize(requests, last.isZero() ? null : last, bin, slow);
        LatencySummary l = s.latency();
        out.printf(Locale.ROOT, "%d requests in %.1f s: p50 %.1f, p90 %.1f, p99 %.1f, max %.1f ms%n",
                l.count(), (s.toMillis() - s.fromMillis()) / 1000.0, l.p50Ms(), l.p90Ms(), l.p99Ms(), l.maxMs());
        for (ServerTimes.SlowBin b : s.slowBins()) {
            out.printf(Locale.ROOT, "  +%.1f s: %d requests, slowest %.1f ms%n",
                    b.offsetMillis() / 1000.0, b.requests(), b.maxMs());
        }
        out.flush();
        return 0;
    }
}
