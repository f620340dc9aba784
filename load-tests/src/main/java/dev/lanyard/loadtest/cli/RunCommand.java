package dev.lanyard.loadtest.cli;

import dev.lanyard.loadtest.engine.LoadGenerator;
import dev.lanyard.loadtest.engine.LoadResult;
import dev.lanyard.loadtest.engine.LoadSpec;
import dev.lanyard.loadtest.report.ConsoleTable;
import dev.lanyard.loadtest.report.HtmlReport;
import dev.lanyard.loadtest.report.JavaRuntime;
import dev.lanyard.loadtest.report.JsonReport;
import dev.lanyard.loadtest.report.MachineInfo;
import dev.lanyard.loadtest.report.RunReport;
import dev.lanyard.loadtest.scenario.RequestPlan;
import dev.lanyard.loadtest.endpoint.LoopbackTarget;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** Load against an endpoint of a server that is already running. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Apply load to one URL of an already running server (loopback only).")
public final class RunCommand implements Callable<Integer> {

    @Option(names = "--url", required = true, description = "Full URL, e.g. http://127.0.0.1:8080/health/live")
    String url;

    @Option(names = {"-H", "--header"}, description = "Request header 'Name: value' (repeatable).")
    List<String> headers = new ArrayList<>();

    @Option(names = {"-X", "--method"}, defaultValue = "GET", description = "HTTP method. Default: ${DEFAULT-VALUE}")
    String method;

    @Option(names = "--body", description = "Request body sent with every request.")
    String body;

    @Option(names = "--name", defaultValue = "run", description = "Scenario name in the output. Default: ${DEFAULT-VALUE}")
    String name;

    @Option(names = "--out", description = "Directory for results.json and report.html (none: console only).")
    Path out;

    @Mixin
    LoadOptions load;

    @Override
    public Integer call() throws Exception {
        LoopbackTarget.Endpoint endpoint = LoopbackTarget.parseUrl(url);
        Map<String, String> headerMap = new LinkedHashMap<>();
        for (String h : headers) {
            int colon = h.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("header must look like 'Name: value': " + h);
            }
            headerMap.put(h.substring(0, colon).trim(), h.substring(colon + 1).trim());
        }
        Buffer bodyBuffer = body == null ? null : Buffer.buffer(body);
        RequestPlan plan = new RequestPlan(HttpMethod.valueOf(method.toUpperCase(java.util.Locale.ROOT)), endpoint.path(),
                headerMap, bodyBuffer == null ? null : () -> bodyBuffer);
        LoadSpec spec = load.toSpec();
        Vertx vertx = LoadGenerator.newVertx(load.eventLoops);
        try {
            System.out.printf("%s %s: %s, warm-up %s, measured %s%n", plan.method(), url, describe(spec),
                    Seconds.of(spec.warmup()), Seconds.of(spec.duration()));
            LoadResult result = Futures.await(new LoadGenerator(vertx).run(name, endpoint.target(), plan, spec),
                    spec.warmup().plus(spec.duration()).plus(spec.timeout()).plus(Duration.ofSeconds(30)), "load run");
            RunReport report = new RunReport(Instant.now(), MachineInfo.detect(), JavaRuntime.current(), load.eventLoops,
                    null, spec, null, List.of(result), Map.of(), Map.of());
            System.out.println();
            System.out.print(ConsoleTable.render(report));
            if (out != null) {
                JsonReport.write(report, out.resolve("results.json"));
                HtmlReport.write(report, out.resolve("report.html"));
                System.out.println("wrote " + out.resolve("results.json") + " and " + out.resolve("report.html"));
            }
            return result.ok() > 0 ? 0 : 1;
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get();
        }
    }

    static String describe(LoadSpec spec) {
        return switch (spec.mode()) {
            case CLOSED -> "closed loop, " + spec.concurrency() + " clients";
            case RATE -> "constant rate " + spec.ratePerSecond() + " req/s, up to " + spec.concurrency() + " connections";
        };
    }

    static final class Seconds {
        static String of(Duration d) {
            return d.toMillis() / 1000.0 + " s";
        }
    }
}
