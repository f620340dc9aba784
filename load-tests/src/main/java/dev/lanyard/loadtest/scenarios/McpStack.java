package dev.lanyard.loadtest.scenarios;

import dev.lanyard.loadtest.server.ServerLaunch;
import dev.lanyard.loadtest.server.ServerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything an MCP measurement runs against, each in its own JVM on loopback: the Lanyard server (tokens, Data API,
 * kill-switch feed, audit ingest), the MCP adapter's sample server (the upstream, on the SDK's stateless transport so a
 * request needs no session), and any number of proxies in front of it, each registered in Lanyard as its own resource.
 */
final class McpStack implements AutoCloseable {
    private final String java;
    private final Path mcpJar;
    private final Path out;
    final ServerProcess lanyard;
    final ChildProcess upstream;
    final LanyardFixtures fixtures;
    final String adapterToken;
    private final Map<String, ChildProcess> proxies = new LinkedHashMap<>();
    private final Map<String, String> resourceIds = new LinkedHashMap<>();
    private final Map<String, Integer> ports = new LinkedHashMap<>();

    private McpStack(String java, Path mcpJar, Path out, ServerProcess lanyard, ChildProcess upstream, LanyardFixtures fixtures,
                     String adapterToken) {
        this.java = java;
        this.mcpJar = mcpJar;
        this.out = out;
        this.lanyard = lanyard;
        this.upstream = upstream;
        this.fixtures = fixtures;
        this.adapterToken = adapterToken;
    }

    static McpStack start(String java, Path serverJar, Path mcpJar, Path out, Duration readyTimeout) throws Exception {
        for (Path jar : List.of(serverJar, mcpJar)) {
            if (!Files.isRegularFile(jar)) {
                throw new IllegalArgumentException(jar + " not found (build: mvn -q -o -DskipTests package)");
            }
        }
        Files.createDirectories(out);
        ServerLaunch launch = ServerProcess.forJar(java, serverJar, List.of(), out.resolve("lanyard.log"), false);
        ServerProcess lanyard = ServerProcess.start(launch);
        ChildProcess upstream = null;
        try {
            Duration ready = lanyard.awaitReady(readyTimeout);
            System.out.printf("lanyard server ready in %d ms at %s%n", ready.toMillis(), lanyard.target().baseUrl());
            int port = ServerProcess.freePort();
            upstream = ChildProcess.start("sample MCP server", List.of(java, "-cp", mcpJar.toString(),
                    "dev.lanyard.mcp.sample.SampleMcpServer", "--port", String.valueOf(port)), Map.of(), port,
                    out.resolve("upstream.log")).awaitListening(readyTimeout);
            LanyardFixtures fx = new LanyardFixtures(lanyard.target().baseUrl(), lanyard.adminToken());
            return new McpStack(java, mcpJar, out, lanyard, upstream, fx, fx.adapterToken());
        } catch (Exception e) {
            if (upstream != null) {
                upstream.close();
            }
            lanyard.close();
            throw e;
        }
    }

    /** The upstream's stateless MCP endpoint. */
    String upstreamUrl() {
        return upstream.baseUrl() + "/mcp-stateless";
    }

    /** Registers a proxy-to-be as a resource in Lanyard (on a port chosen now); {@link #startProxy} starts it later. */
    void registerProxy(String name) throws Exception {
        int port = ServerProcess.freePort();
        ports.put(name, port);
        resourceIds.put(name, fixtures.resource("http://127.0.0.1:" + port + "/mcp"));
    }

    /**
     * Starts a registered proxy in front of the upstream.
     *
     * @param policy null: decisions from Lanyard's Data API; {@code default}: the bundled policy, in process
     */
    ChildProcess startProxy(String name, String policy, String staleness) throws Exception {
        return startProxy(name, policy, staleness, true);
    }

    /**
     * @param connected false: a diagnostic proxy that does not talk to Lanyard at all (no audit delivery, no kill-switch
     *                  feed; records go to a log that is switched off), to separate the proxy's own cost from Lanyard's
     */
    ChildProcess startProxy(String name, String policy, String staleness, boolean connected) throws Exception {
        int port = ports.get(name);
        // every run has a new Lanyard database: a spool or feed cursor left by an earlier run belongs to another one
        Path stateDir = out.resolve(name + "-state");
        ServerProcess.deleteTree(stateDir);
        List<String> cmd = new ArrayList<>(List.of(java, "-jar", mcpJar.toString(), "--upstream", upstreamUrl(),
                "--resource", resourceUri(name), "--issuer", fixtures.issuer, "--listen", "127.0.0.1:" + port,
                "--state-dir", stateDir.toString(), "--revocation-max-staleness", staleness,
                "--scopes", "tickets:read"));
        if (connected) {
            cmd.addAll(List.of("--lanyard", lanyard.target().baseUrl()));
        }
        if (policy != null) {
            cmd.addAll(List.of("--policy", policy));
        }
        Map<String, String> env = connected ? Map.of("LANYARD_ADAPTER_TOKEN", adapterToken) : Map.of("LANYARD_AUDIT_LOG", "OFF");
        ChildProcess p = ChildProcess.start(name, cmd, env, port, out.resolve(name + ".log")).awaitListening(Duration.ofSeconds(60));
        proxies.put(name, p);
        return p;
    }

    /** Registers and starts a proxy. */
    ChildProcess proxy(String name, String policy, String staleness) throws Exception {
        registerProxy(name);
        return startProxy(name, policy, staleness);
    }

    /** Stops a proxy (and so its kill-switch subscription): measurements of others are not charged for it. */
    void stopProxy(String name) {
        ChildProcess p = proxies.remove(name);
        if (p != null) {
            p.close();
        }
    }

    String resourceId(String proxyName) {
        return resourceIds.get(proxyName);
    }

    String resourceUri(String proxyName) {
        return "http://127.0.0.1:" + ports.get(proxyName) + "/mcp";
    }

    /** The processes on the serving side (CPU accounting): Lanyard, the upstream and the proxies. */
    List<ProcessHandle> servingSide() {
        List<ProcessHandle> all = new ArrayList<>();
        all.add(upstream.handle());
        proxies.values().forEach(p -> all.add(p.handle()));
        return all;
    }

    /** CPU used so far by each serving process: the upstream, each running proxy, and Lanyard with its PostgreSQL. */
    Map<String, Duration> cpuByProcess() {
        Map<String, Duration> m = new LinkedHashMap<>();
        m.put("upstream", dev.lanyard.loadtest.server.ProcessCpu.ofTrees(List.of(upstream.handle())));
        proxies.forEach((name, p) -> m.put(name, dev.lanyard.loadtest.server.ProcessCpu.ofTrees(List.of(p.handle()))));
        m.put("lanyard+postgres", lanyard.cpuTime());
        return m;
    }

    @Override
    public void close() {
        proxies.values().forEach(ChildProcess::close);
        upstream.close();
        lanyard.close();
    }
}
