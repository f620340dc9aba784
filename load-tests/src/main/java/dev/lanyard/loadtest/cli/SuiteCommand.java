package dev.lanyard.loadtest.cli;

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
import dev.lanyard.loadtest.scenario.AdminApi;
import dev.lanyard.loadtest.scenario.HealthLiveScenario;
import dev.lanyard.loadtest.scenario.RequestPlan;
import dev.lanyard.loadtest.scenario.Scenario;
import dev.lanyard.loadtest.scenario.ScenarioContext;
import dev.lanyard.loadtest.scenario.Scenarios;
import dev.lanyard.loadtest.server.ProcessCpu;
import dev.lanyard.loadtest.server.ServerLaunch;
import dev.lanyard.loadtest.server.ServerProcess;
import io.vertx.core.Vertx;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Starts a server, measures each scenario against it, writes the reports and stops the server. Scenarios run
 * one after another against the same server so that the baseline and the others share the same conditions.
 */
@Command(name = "suite", mixinStandardHelpOptions = true,
        description = "Start the server as a child process, run the scenarios, write results.json and report.html.")
public final class SuiteCommand implements Callable<Integer> {

    @Option(names = "--server-jar", required = true, description = "The server's runnable jar.")
    Path serverJar;

    @Option(names = "--java", defaultValue = "java", description = "Java executable for the server. Default: ${DEFAULT-VALUE}")
    String java;

    @Option(names = "--server-jvm-arg", description = "Extra JVM argument for the server (repeatable).")
    List<String> serverJvmArgs = new ArrayList<>();

    @Option(names = "--scenarios", split = ",", defaultValue = "health-live,agent-get",
            description = "Comma-separated scenario names; health-live is added first when missing. Default: ${DEFAULT-VALUE}")
    List<String> scenarios;

    @Option(names = "--out", defaultValue = "load-tests/target/results", description = "Output directory. Default: ${DEFAULT-VALUE}")
    Path out;

    @Option(names = "--ready-timeout", defaultValue = "180s", converter = DurationConverter.class,
            description = "How long the server may take to answer /health/ready with 200. Default: ${DEFAULT-VALUE}")
    Duration readyTimeout;

    @Option(names = "--keep-data", description = "Keep the server's temporary data directory.")
    boolean keepData;

    @Mixin
    LoadOptions load;

    /** Runs a launch prepared elsewhere; tests use it to start a stand-in server. */
    ServerLaunch launchOverride;

    /** Above this, other work on a two-core machine took enough CPU to distort the run. */
    private static final double NOISY_OTHER_CORES = 0.25;

    /**
     * Setup may pre-sign tens of thousands of client assertions (about 1 ms each on a busy two-core machine), so it
     * gets more than a minute; the token scenarios themselves refuse a setup that leaves too little assertion lifetime.
     */
    private static final Duration SETUP_TIMEOUT = Duration.ofMinutes(4);

    /** One scenario's figures and the CPU each side used meanwhile. */
    private record Measured(LoadResult result, CpuShare cpu) {
    }

    private static Measured measure(Scenario scenario, ScenarioContext context, LoadGenerator generator, ServerProcess server,
                                    LoadSpec spec) throws Exception {
        RequestPlan plan = Futures.await(scenario.prepare(context), SETUP_TIMEOUT, scenario.name() + " setup");
        System.out.printf("%-14s %s %s: %s, warm-up %s, measured %s ...%n", scenario.name(), plan.method(),
                plan.path(), RunCommand.describe(spec), RunCommand.Seconds.of(spec.warmup()), RunCommand.Seconds.of(spec.duration()));
        long wallStart = System.nanoTime();
        Duration generatorCpu = ProcessCpu.self();
        Duration serverCpu = server.cpuTime();
        Duration machineCpu = ProcessCpu.machineBusy();
        LoadResult r = Futures.await(generator.run(scenario.name(), server.target(), plan, spec),
                spec.warmup().plus(spec.duration()).plus(spec.timeout()).plus(Duration.ofSeconds(30)), scenario.name() + " load");
        CpuShare cpu = CpuShare.of(ProcessCpu.self().minus(generatorCpu), server.cpuTime().minus(serverCpu),
                ProcessCpu.machineBusy().minus(machineCpu), Duration.ofNanos(System.nanoTime() - wallStart));
        System.out.printf("%-14s %.0f req/s, p50 %.3f ms, p99 %.3f ms, non-2xx %d, errors %d, cpu gen/srv/other %s%n",
                scenario.name(), r.throughput(), r.latency().p50Ms(), r.latency().p99Ms(), r.nonSuccess(), r.failures(),
                ConsoleTable.cpu(cpu));
        if (cpu.otherCores() > NOISY_OTHER_CORES) {
            System.out.printf("%-14s warning: other processes used %.2f cores meanwhile; these figures understate the server%n",
                    scenario.name(), cpu.otherCores());
        }
        return new Measured(r, cpu);
    }

    @Override
    public Integer call() throws Exception {
        List<Scenario> toRun = Scenarios.resolve(scenarios);
        LoadSpec spec = load.toSpec();
        Files.createDirectories(out);
        ServerLaunch launch = launchOverride;
        JavaRuntime serverJava;
        if (launch == null) {
            if (!Files.isRegularFile(serverJar)) {
                throw new IllegalArgumentException("server jar not found: " + serverJar
                        + " (build it: mvn -q -o -pl policies,server -DskipTests package)");
            }
            serverJava = JavaRuntime.probe(java);
            launch = ServerProcess.forJar(java, serverJar, serverJvmArgs, out.resolve("server.log"), keepData);
        } else {
            serverJava = JavaRuntime.current();
        }
        System.out.printf("server: %s on Java %s, port %d, data %s%n", serverJar, serverJava.label(), launch.port(), launch.dataDir());

        MachineInfo machine = MachineInfo.detect();
        System.out.printf("machine: %d cores, %d MiB, load average %s; generator: Java %s, %d event loop(s)%n",
                machine.cores(), machine.memoryBytes() >> 20, machine.loadAverage(), JavaRuntime.current().version(), load.eventLoops);
        Vertx vertx = LoadGenerator.newVertx(load.eventLoops);
        ServerProcess server = ServerProcess.start(launch);
        Thread stopOnExit = new Thread(server::close, "stop-lanyard-server");
        Runtime.getRuntime().addShutdownHook(stopOnExit);
        List<LoadResult> results = new ArrayList<>();
        Map<String, String> failures = new LinkedHashMap<>();
        Map<String, CpuShare> cpu = new LinkedHashMap<>();
        long readyMillis;
        try {
            Duration ready = server.awaitReady(readyTimeout);
            System.out.printf("server ready in %d ms (process start to GET /health/ready = 200)%n", ready.toMillis());
            readyMillis = ready.toMillis();
            LoadGenerator generator = new LoadGenerator(vertx);
            try (AdminApi admin = new AdminApi(vertx, server.target(), server.adminToken())) {
                ScenarioContext context = new ScenarioContext(vertx, admin, spec);
                for (Scenario scenario : toRun) {
                    try {
                        Measured m = measure(scenario, context, generator, server, spec);
                        results.add(m.result());
                        cpu.put(scenario.name(), m.cpu());
                    } catch (Exception e) {
                        failures.put(scenario.name(), String.valueOf(e.getMessage()));
                        System.err.printf("%s: not measured: %s%n", scenario.name(), e.getMessage());
                    }
                }
            }
        } finally {
            server.close();
            System.out.println(server.stopMillis() >= 0 ? "server stopped in " + server.stopMillis() + " ms" : "server killed");
            Runtime.getRuntime().removeShutdownHook(stopOnExit);
            vertx.close().toCompletionStage().toCompletableFuture().get();
        }

        ServerInfo serverInfo = new ServerInfo(serverJar.toString(), serverJava, server.target().baseUrl(), readyMillis,
                server.stopMillis());
        RunReport report = new RunReport(Instant.now(), MachineInfo.detect(), JavaRuntime.current(), load.eventLoops,
                serverInfo, spec, HealthLiveScenario.NAME, results, failures, cpu);
        Path json = out.resolve("results.json");
        Path html = out.resolve("report.html");
        JsonReport.write(report, json);
        HtmlReport.write(report, html);
        System.out.println();
        System.out.print(ConsoleTable.render(report));
        System.out.printf("%nserver start to ready: %d ms; wrote %s and %s%n", serverInfo.startToReadyMillis(), json, html);
        boolean clean = failures.isEmpty() && results.stream().allMatch(r -> r.ok() > 0);
        return clean ? 0 : 1;
    }
}
