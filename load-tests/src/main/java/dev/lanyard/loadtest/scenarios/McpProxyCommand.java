package dev.lanyard.loadtest.scenarios;

import dev.lanyard.loadtest.endpoint.LoopbackTarget;
import dev.lanyard.loadtest.engine.LoadGenerator;
import dev.lanyard.loadtest.engine.LoadResult;
import dev.lanyard.loadtest.engine.LoadSpec;
import dev.lanyard.loadtest.report.ConsoleTable;
import dev.lanyard.loadtest.report.CpuShare;
import dev.lanyard.loadtest.report.HtmlReport;
import dev.lanyard.loadtest.report.JavaRuntime;
import dev.lanyard.loadtest.report.JsonReport;
import dev.lanyard.loadtest.report.MachineInfo;
import dev.lanyard.loadtest.report.RunReport;
import dev.lanyard.loadtest.report.ServerInfo;
import dev.lanyard.loadtest.scenario.RequestPlan;
import dev.lanyard.loadtest.server.ProcessCpu;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * What the MCP proxy costs per {@code tools/call}: the same request, measured in the same run, straight to the upstream
 * MCP server ({@code mcp-direct}, the baseline) and through the proxy — deciding through Lanyard's Data API
 * ({@code mcp-proxied}) and in process ({@code mcp-proxied-local}). Each proxied call verifies a real access token
 * (from Lanyard's token endpoint), checks the kill switch, asks the policy, streams the upstream's answer back and
 * hands an audit record to the emitter, which delivers it to Lanyard meanwhile.
 *
 * <p>Targets (issue #6): proxy overhead per call p50 &lt; 1 ms; proxied throughput ≥ 50 % of direct. They are two
 * questions, so two passes: the overhead with one client (closed loop, so the p50 is one call's latency, not queueing),
 * the throughput with many.
 */
@Command(name = "mcp-proxy", mixinStandardHelpOptions = true,
        description = "Measure tools/call direct vs through the MCP proxy (Lanyard, upstream and proxies as child processes).")
public final class McpProxyCommand implements Callable<Integer> {
    static final String DIRECT = "mcp-direct";
    static final String PROXIED = "mcp-proxied";
    static final String PROXIED_LOCAL = "mcp-proxied-local";
    /** Diagnostic only: in-process decisions and no Lanyard at all (no audit delivery, no kill switch). */
    static final String PROXIED_DETACHED = "mcp-proxied-detached";

    @Mixin
    McpStackOptions children;

    @Option(names = "--out", defaultValue = "load-tests/target/mcp-proxy", description = "Default: ${DEFAULT-VALUE}")
    Path out;

    @Option(names = "--throughput-clients", defaultValue = "32", description = "Closed-loop clients of the throughput pass. Default: ${DEFAULT-VALUE}")
    int throughputClients;

    @Option(names = {"-d", "--duration"}, defaultValue = "20", description = "Measured seconds per scenario. Default: ${DEFAULT-VALUE}")
    int durationSeconds;

    @Option(names = {"-w", "--warmup"}, defaultValue = "10", description = "Warm-up seconds per scenario. Default: ${DEFAULT-VALUE}")
    int warmupSeconds;

    @Option(names = "--scenarios", split = ",", defaultValue = DIRECT + "," + PROXIED + "," + PROXIED_LOCAL,
            description = "Which of mcp-direct, mcp-proxied, mcp-proxied-local, mcp-proxied-detached (diagnostic: no audit, "
                    + "no kill switch); mcp-direct is always measured first. Default: ${DEFAULT-VALUE}")
    List<String> scenarios;

    @Override
    public Integer call() throws Exception {
        JavaRuntime childJava = JavaRuntime.probe(children.java);
        System.out.printf("children on Java %s; generator Java %s, 1 event loop; %s%n", childJava.label(),
                JavaRuntime.current().version(), MachineInfo.detect());
        Vertx vertx = LoadGenerator.newVertx(1);
        Duration warmup = Duration.ofSeconds(warmupSeconds);
        Duration duration = Duration.ofSeconds(durationSeconds);
        Map<String, Pass> passes = new LinkedHashMap<>();
        passes.put("latency", new Pass(LoadSpec.closed(1, warmup, duration)));
        passes.put("throughput", new Pass(LoadSpec.closed(throughputClients, warmup, duration)));
        try (McpStack stack = children.start(out)) {
            List<String> proxied = new ArrayList<>();
            for (String name : List.of(PROXIED, PROXIED_LOCAL, PROXIED_DETACHED)) {
                if (scenarios.contains(name)) {
                    stack.registerProxy(name);
                    proxied.add(name);
                }
            }
            LanyardFixtures.Agent agent = stack.fixtures.agent(proxied.stream().map(stack::resourceId).toList());
            LoadGenerator generator = new LoadGenerator(vertx);
            measure(DIRECT, stack.upstream.target(), McpToolCall.plan("/mcp-stateless", null), passes, stack, generator);
            for (String name : proxied) {
                // one proxy at a time: only the one measured runs (and follows the kill-switch feed)
                LoopbackTarget target = stack.startProxy(name, name.equals(PROXIED) ? null : "default", "30s",
                        !name.equals(PROXIED_DETACHED)).target();
                RequestPlan plan = McpToolCall.plan("/mcp", stack.fixtures.token(agent, stack.resourceUri(name), "tickets:read"));
                measure(name, target, plan, passes, stack, generator);
                stack.stopProxy(name);
            }
            boolean clean = true;
            for (Map.Entry<String, Pass> p : passes.entrySet()) {
                clean &= p.getValue().report(p.getKey(), childJava, stack.upstream.baseUrl());
            }
            return clean ? 0 : 1;
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get();
        }
    }

    /** One load (1 client, or many) over every scenario. */
    private final class Pass {
        final LoadSpec spec;
        final List<LoadResult> results = new ArrayList<>();
        final Map<String, CpuShare> cpu = new LinkedHashMap<>();
        final Map<String, String> failures = new LinkedHashMap<>();

        Pass(LoadSpec spec) {
            this.spec = spec;
        }

        /** Writes {@code <out>/<pass>/results.json} and the report, prints the table and the targets. */
        boolean report(String passName, JavaRuntime childJava, String upstream) throws Exception {
            RunReport report = new RunReport(Instant.now(), MachineInfo.detect(), JavaRuntime.current(), 1,
                    new ServerInfo(McpProxyCommand.this.children.mcpJar.toString(), childJava, upstream, -1, -1), spec, DIRECT, results, failures, cpu);
            Path dir = out.resolve(passName);
            JsonReport.write(report, dir.resolve("results.json"));
            HtmlReport.write(report, dir.resolve("report.html"));
            System.out.printf("%n== %s: closed loop, %d client(s), warm-up %d s, measured %d s%n", passName, spec.concurrency(),
                    spec.warmup().toSeconds(), spec.duration().toSeconds());
            System.out.print(ConsoleTable.render(report));
            summarize(report, passName);
            return failures.isEmpty() && results.stream().allMatch(r -> r.ok() > 0 && r.nonSuccess() == 0 && r.failures() == 0);
        }
    }

    /** Probes the plan once, then runs it under each pass's load. */
    private void measure(String name, LoopbackTarget target, RequestPlan plan, Map<String, Pass> passes, McpStack stack,
                         LoadGenerator generator) {
        try {
            probe(target, plan);
        } catch (Exception e) {
            passes.values().forEach(p -> p.failures.put(name, String.valueOf(e.getMessage())));
            System.err.printf("%s: not measured: %s%n", name, e.getMessage());
            return;
        }
        for (Map.Entry<String, Pass> entry : passes.entrySet()) {
            Pass pass = entry.getValue();
            try {
                long wall = System.nanoTime();
                Duration gen0 = ProcessCpu.self();
                Duration srv0 = servingCpu(stack);
                Duration all0 = ProcessCpu.machineBusy();
                Map<String, Duration> each0 = stack.cpuByProcess();
                LoadResult r = generator.run(name, target, plan, pass.spec).toCompletionStage().toCompletableFuture()
                        .get(pass.spec.warmup().toSeconds() + pass.spec.duration().toSeconds() + 60L, TimeUnit.SECONDS);
                double seconds = (System.nanoTime() - wall) / 1e9;
                StringBuilder each = new StringBuilder();
                stack.cpuByProcess().forEach((proc, used) -> each.append(String.format(Locale.ROOT, " %s %.2f",
                        proc, used.minus(each0.getOrDefault(proc, Duration.ZERO)).toNanos() / 1e9 / seconds)));
                CpuShare share = CpuShare.of(ProcessCpu.self().minus(gen0), servingCpu(stack).minus(srv0),
                        ProcessCpu.machineBusy().minus(all0), Duration.ofNanos(System.nanoTime() - wall));
                pass.results.add(r);
                pass.cpu.put(name, share);
                System.out.printf("%-18s %-10s %.0f req/s, p50 %.3f ms, p99 %.3f ms, non-2xx %d, errors %d, cpu gen/serving/other %s%n",
                        name, entry.getKey(), r.throughput(), r.latency().p50Ms(), r.latency().p99Ms(), r.nonSuccess(),
                        r.failures(), ConsoleTable.cpu(share));
                System.out.printf("%-18s %-10s serving cores by process:%s%n", name, entry.getKey(), each);
            } catch (Exception ex) {
                pass.failures.put(name, String.valueOf(ex.getMessage()));
                System.err.printf("%s: not measured: %s%n", name, ex.getMessage());
            }
        }
    }

    /** CPU of everything serving the requests: upstream, proxies, and Lanyard with its PostgreSQL. */
    private static Duration servingCpu(McpStack stack) {
        return ProcessCpu.ofTrees(stack.servingSide()).plus(stack.lanyard.cpuTime());
    }

    /** One unmeasured request: the plan must produce a JSON-RPC result, not an error of any kind. */
    private static void probe(LoopbackTarget target, RequestPlan plan) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(target.baseUrl() + plan.path()))
                .POST(HttpRequest.BodyPublishers.ofString(McpToolCall.BODY)).timeout(Duration.ofSeconds(30));
        plan.headers().forEach(b::header);
        HttpResponse<String> r = HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200 || !new JsonObject(r.body()).containsKey("result")) {
            throw new IllegalStateException("probe of " + target.baseUrl() + plan.path() + " answered " + r.statusCode() + ": " + r.body());
        }
    }

    private static void summarize(RunReport report, String passName) {
        report.baselineResult().ifPresent(direct -> {
            for (LoadResult r : report.results()) {
                if (r.scenario().equals(DIRECT)) {
                    continue;
                }
                if (passName.equals("latency")) {
                    double overhead = r.latency().p50Ms() - direct.latency().p50Ms();
                    System.out.printf("%-18s overhead per call p50 %.3f ms, p99 %.3f ms (target p50 < 1 ms: %s)%n", r.scenario(),
                            overhead, r.latency().p99Ms() - direct.latency().p99Ms(), overhead < 1 ? "met" : "NOT met");
                } else {
                    double ratio = report.throughputRatio(r).orElse(Double.NaN);
                    System.out.printf("%-18s throughput %.0f%% of direct (target >= 50%%: %s)%n", r.scenario(), ratio * 100,
                            ratio >= 0.5 ? "met" : "NOT met");
                }
            }
        });
    }
}
