package dev.lanyard.loadtest.report;

import dev.lanyard.loadtest.engine.ErrorKind;
import dev.lanyard.loadtest.engine.LatencySummary;
import dev.lanyard.loadtest.engine.LoadResult;
import dev.lanyard.loadtest.engine.LoadSpec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code results.json}: the machine-readable record of a run. Latencies in milliseconds, rates per second. */
public final class JsonReport {

    private JsonReport() {
    }

    public static void write(RunReport report, Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, toJson(report).encodePrettily() + "\n", StandardCharsets.UTF_8);
    }

    public static JsonObject toJson(RunReport report) {
        JsonObject json = new JsonObject()
                .put("tool", "lanyard-load")
                .put("date", report.date().toString())
                .put("machine", new JsonObject()
                        .put("cores", report.machine().cores())
                        .put("memory_bytes", report.machine().memoryBytes())
                        .put("cpu_model", report.machine().cpuModel())
                        .put("os", report.machine().os())
                        .put("load_average", report.machine().loadAverage()))
                .put("generator", new JsonObject()
                        .put("java", java(report.generatorJava()))
                        .put("event_loops", report.generatorEventLoops()))
                .put("settings", settings(report.settings()))
                .put("baseline", report.baseline());
        if (report.server() != null) {
            json.put("server", new JsonObject()
                    .put("jar", report.server().jar())
                    .put("java", java(report.server().java()))
                    .put("base_url", report.server().baseUrl())
                    .put("start_to_ready_ms", report.server().startToReadyMillis())
                    .put("stop_ms", report.server().stopMillis()));
        }
        JsonArray scenarios = new JsonArray();
        for (LoadResult r : report.results()) {
            scenarios.add(scenario(report, r));
        }
        JsonObject failures = new JsonObject();
        report.failures().forEach(failures::put);
        return json.put("scenarios", scenarios).put("failures", failures);
    }

    private static JsonObject java(JavaRuntime java) {
        return new JsonObject()
                .put("executable", java.executable())
                .put("version", java.version())
                .put("vendor", java.vendor())
                .put("vm", java.vmName());
    }

    private static JsonObject settings(LoadSpec spec) {
        JsonObject s = new JsonObject()
                .put("mode", spec.mode().label())
                .put("concurrency", spec.concurrency())
                .put("warmup_s", spec.warmup().toMillis() / 1000.0)
                .put("duration_s", spec.duration().toMillis() / 1000.0)
                .put("timeout_s", spec.timeout().toMillis() / 1000.0)
                .put("max_requests", spec.maxRequests());
        if (spec.ratePerSecond() > 0) {
            s.put("rate_per_s", spec.ratePerSecond());
        }
        return s;
    }

    private static JsonObject scenario(RunReport report, LoadResult r) {
        JsonObject errors = new JsonObject();
        JsonObject statuses = new JsonObject();
        r.nonSuccessStatuses().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
                .forEach(e -> statuses.put(String.valueOf(e.getKey()), e.getValue()));
        errors.put("non_2xx_total", r.nonSuccess()).put("non_2xx", statuses);
        for (ErrorKind kind : ErrorKind.values()) {
            errors.put(kind.label(), r.errorCount(kind));
        }
        JsonObject samples = new JsonObject();
        r.errorSamples().forEach((k, v) -> samples.put(k.label(), v));
        errors.put("samples", samples);

        JsonObject ratio = null;
        if (report.baseline() != null && report.baselineResult().isPresent()) {
            ratio = new JsonObject()
                    .put("throughput", report.throughputRatio(r).map(JsonReport::round).orElse(null))
                    .put("p50", report.p50Ratio(r).map(JsonReport::round).orElse(null));
        }
        CpuShare cpu = report.cpu().get(r.scenario());
        return new JsonObject()
                .put("scenario", r.scenario())
                .put("method", r.method())
                .put("path", r.path())
                .put("mode", r.spec().mode().label())
                .put("concurrency", r.spec().concurrency())
                .put("rate_per_s", r.spec().ratePerSecond() > 0 ? r.spec().ratePerSecond() : null)
                .put("elapsed_s", round(r.elapsedSeconds()))
                .put("sent", r.sent())
                .put("ok", r.ok())
                .put("responses", r.responses())
                .put("throughput_rps", round(r.throughput()))
                .put("response_rate_rps", round(r.responseRate()))
                .put("max_in_flight", r.maxInFlight())
                .put("latency_ms", latency(r.latency(), true))
                .put("service_time_ms", latency(r.serviceTime(), false))
                .put("errors", errors)
                .put("ratio_to_baseline", ratio)
                .put("cpu_cores", cpu == null ? null : new JsonObject()
                        .put("generator", round(cpu.generatorCores()))
                        .put("server", round(cpu.serverCores()))
                        .put("other", Double.isNaN(cpu.otherCores()) ? null : round(cpu.otherCores()))
                        // Successful requests per second of server CPU: less sensitive than req/s to other work
                        // on a shared machine (approximate: CPU includes the warm-up, throughput does not).
                        .put("ok_per_server_cpu_second", cpu.serverCores() > 0 ? round(r.throughput() / cpu.serverCores()) : null));
    }

    private static JsonObject latency(LatencySummary s, boolean withCurve) {
        JsonObject o = new JsonObject()
                .put("count", s.count())
                .put("mean", round(s.meanMs()))
                .put("p50", round(s.p50Ms()))
                .put("p90", round(s.p90Ms()))
                .put("p99", round(s.p99Ms()))
                .put("p99_9", round(s.p999Ms()))
                .put("max", round(s.maxMs()));
        if (withCurve) {
            JsonArray curve = new JsonArray();
            for (LatencySummary.CurvePoint p : s.curve()) {
                curve.add(new JsonArray().add(round(p.percentile(), 5)).add(round(p.valueMs())));
            }
            o.put("percentiles", curve);
        }
        return o;
    }

    static double round(double v) {
        return round(v, 3);
    }

    private static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}
