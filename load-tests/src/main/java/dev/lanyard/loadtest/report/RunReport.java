package dev.lanyard.loadtest.report;

import dev.lanyard.loadtest.engine.LoadResult;
import dev.lanyard.loadtest.engine.LoadSpec;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything one invocation measured, in the order scenarios ran.
 *
 * @param server null when the target was already running ({@code run} command)
 * @param baseline scenario every other one is divided by; null for none
 * @param failures scenarios that could not be measured (setup failed), by name, with the reason
 * @param cpu per scenario, when the suite could see both processes
 */
public record RunReport(Instant date, MachineInfo machine, JavaRuntime generatorJava, int generatorEventLoops,
                        ServerInfo server, LoadSpec settings, String baseline, List<LoadResult> results,
                        Map<String, String> failures, Map<String, CpuShare> cpu) {

    public RunReport {
        results = List.copyOf(results);
        failures = Collections.unmodifiableMap(new LinkedHashMap<>(failures));
        cpu = Collections.unmodifiableMap(new LinkedHashMap<>(cpu));
    }

    public Optional<LoadResult> baselineResult() {
        return results.stream().filter(r -> r.scenario().equals(baseline)).findFirst();
    }

    /** Throughput relative to the baseline measured in the same run; empty without a usable baseline. */
    public Optional<Double> throughputRatio(LoadResult r) {
        return baselineResult().filter(b -> b.throughput() > 0).map(b -> r.throughput() / b.throughput());
    }

    /** Median latency relative to the baseline's median. */
    public Optional<Double> p50Ratio(LoadResult r) {
        return baselineResult().filter(b -> b.latency().p50Ms() > 0).map(b -> r.latency().p50Ms() / b.latency().p50Ms());
    }
}
