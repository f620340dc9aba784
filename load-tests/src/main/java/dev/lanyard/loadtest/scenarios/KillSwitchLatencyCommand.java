package dev.lanyard.loadtest.scenarios;

import dev.lanyard.loadtest.report.JavaRuntime;
import dev.lanyard.loadtest.report.MachineInfo;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * How long the kill switch takes to bite: from the moment the admin's {@code POST …/lifecycle/deactivate} is sent to
 * the first {@code tools/call} of that agent the MCP proxy refuses. Each trial uses its own agent (so no reactivation
 * and no one-second {@code iat} ambiguity), first proves its token works through the proxy, then sends the
 * deactivation and, without waiting for its answer, calls the tool back to back until the proxy says 401. The path
 * measured: server commits the deactivation and its audit event → PostgreSQL NOTIFY → the revocation feed streams the
 * event → the proxy applies it → the next call is refused.
 *
 * <p>Target (issue #6): p99 &lt; 1 s over at least 100 trials.
 */
@Command(name = "mcp-kill-switch", mixinStandardHelpOptions = true,
        description = "Measure the time from agent deactivation to the first refused MCP tool call (p50/p99 over many trials).")
public final class KillSwitchLatencyCommand implements Callable<Integer> {

    @Mixin
    McpStackOptions children;

    @Option(names = "--trials", defaultValue = "100", description = "Default: ${DEFAULT-VALUE}")
    int trials;

    @Option(names = "--policy", description = "Proxy decisions in process ('default') instead of through the Data API")
    String policy;

    @Option(names = "--out", defaultValue = "load-tests/target/mcp-kill-switch", description = "Default: ${DEFAULT-VALUE}")
    Path out;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Override
    public Integer call() throws Exception {
        if (trials < 1) {
            throw new IllegalArgumentException("--trials must be positive");
        }
        JavaRuntime childJava = JavaRuntime.probe(children.java);
        System.out.printf("children on Java %s; %s%n", childJava.label(), MachineInfo.detect());
        // microseconds, up to one minute, three significant digits
        Histogram refusal = new Histogram(60_000_000L, 3);
        Histogram adminAnswer = new Histogram(60_000_000L, 3);
        List<Long> samples = new ArrayList<>();
        int pollsTotal = 0;
        try (McpStack stack = children.start(out)) {
            ChildProcess proxy = stack.proxy("kill-switch-proxy", policy, "30s");
            String resource = stack.resourceUri("kill-switch-proxy");
            System.out.printf("creating %d agents and their tokens ...%n", trials);
            List<LanyardFixtures.Agent> agents = new ArrayList<>();
            List<String> tokens = new ArrayList<>();
            for (int i = 0; i < trials; i++) {
                LanyardFixtures.Agent a = stack.fixtures.agent(List.of(stack.resourceId("kill-switch-proxy")));
                agents.add(a);
                tokens.add(stack.fixtures.token(a, resource, "tickets:read"));
            }
            URI mcp = URI.create(resource);
            for (int i = 0; i < trials; i++) {
                int before = call(mcp, tokens.get(i));
                if (before != 200) {
                    throw new IllegalStateException("trial " + i + ": the agent's call was refused (" + before + ") before the deactivation");
                }
                long t0 = System.nanoTime();
                CompletableFuture<HttpResponse<String>> deactivated = http.sendAsync(stack.fixtures.deactivation(agents.get(i).id()),
                        HttpResponse.BodyHandlers.ofString());
                deactivated.thenRun(() -> adminAnswer.recordValue(Math.max(0, (System.nanoTime() - t0) / 1_000)));
                int polls = 0;
                long deadline = t0 + TimeUnit.SECONDS.toNanos(30);
                int status;
                do {
                    status = call(mcp, tokens.get(i));
                    polls++;
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("trial " + i + ": still allowed 30 s after the deactivation");
                    }
                } while (status == 200);
                long micros = (System.nanoTime() - t0) / 1_000;
                if (status != 401) {
                    throw new IllegalStateException("trial " + i + ": refused with " + status + ", expected 401");
                }
                HttpResponse<String> answer = deactivated.get(30, TimeUnit.SECONDS);
                if (answer.statusCode() != 200) {
                    throw new IllegalStateException("deactivation answered " + answer.statusCode() + ": " + answer.body());
                }
                refusal.recordValue(micros);
                samples.add(micros);
                pollsTotal += polls;
            }
        }
        JsonObject result = new JsonObject().put("date", Instant.now().toString()).put("trials", trials)
                .put("decisions", policy == null ? "data-api" : "in-process:" + policy)
                .put("java", childJava.label()).put("machine", MachineInfo.detect().toString())
                .put("deactivate_to_first_refusal_ms", summary(refusal))
                .put("deactivate_request_answered_ms", summary(adminAnswer))
                .put("polls_per_trial_mean", (double) pollsTotal / trials)
                .put("samples_us", new JsonArray(new ArrayList<>(samples)));
        Files.createDirectories(out);
        Files.writeString(out.resolve("kill-switch.json"), result.encodePrettily());
        System.out.printf(Locale.ROOT, "%nkill switch over %d trials (deactivate request sent -> first refused tools/call):%n", trials);
        System.out.printf(Locale.ROOT, "  p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms, mean %.1f ms%n",
                ms(refusal.getValueAtPercentile(50)), ms(refusal.getValueAtPercentile(90)), ms(refusal.getValueAtPercentile(99)),
                ms(refusal.getMaxValue()), refusal.getMean() / 1000);
        System.out.printf(Locale.ROOT, "  (the deactivate request itself answered in p50 %.1f ms, p99 %.1f ms)%n",
                ms(adminAnswer.getValueAtPercentile(50)), ms(adminAnswer.getValueAtPercentile(99)));
        boolean met = refusal.getValueAtPercentile(99) < 1_000_000;
        System.out.printf("  target p99 < 1 s: %s; wrote %s%n", met ? "met" : "NOT met", out.resolve("kill-switch.json"));
        return met ? 0 : 1;
    }

    private int call(URI mcp, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(mcp).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(McpToolCall.BODY));
        McpToolCall.headers(token).forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static JsonObject summary(Histogram h) {
        return new JsonObject().put("count", h.getTotalCount()).put("p50", ms(h.getValueAtPercentile(50)))
                .put("p90", ms(h.getValueAtPercentile(90))).put("p99", ms(h.getValueAtPercentile(99)))
                .put("max", ms(h.getMaxValue())).put("mean", h.getMean() / 1000);
    }

    private static double ms(long micros) {
        return micros / 1000.0;
    }
}
