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

    /**
     * Starts a proxy in front of the upstream, registered in Lanyard as the resource {@code http://127.0.0.1:<port>/mcp}.
     *
     * @param policy null: decisions from Lanyard's Data API; {@code default}: the bundled policy, in process
     */
    ChildProcess proxy(String name, String policy, String staleness) throws Exception {
        int port = ServerProcess.freePort();
        String resource = "http://127.0.0.1:" + port + "/mcp";
        resourceIds.put(name, fixtures.resource(resource));
        List<String> cmd = new ArrayList<>(List.of(java, "-jar", mcpJar.toString(), "--upstream", upstreamUrl(),
                "--resource", resource, "--issuer", fixtures.issuer, "--listen", "127.0.0.1:" + port,
                "--lanyard", lanyard.target().baseUrl(), "--state-dir", out.resolve(name + "-state").toString(),
                "--revocation-max-staleness", staleness, "--scopes", "tickets:read"));
        if (policy != null) {
            cmd.addAll(List.of("--policy", policy));
        }
        ChildProcess p = ChildProcess.start(name, cmd, Map.of("LANYARD_ADAPTER_TOKEN", adapterToken), port,
                out.resolve(name + ".log")).awaitListening(Duration.ofSeconds(60));
        proxies.put(name, p);
        return p;
    }

    String resourceId(String proxyName) {
        return resourceIds.get(proxyName);
    }

    String resourceUri(String proxyName) {
        return proxies.get(proxyName).baseUrl() + "/mcp";
    }

    /** The processes on the serving side (CPU accounting): Lanyard, the upstream and the proxies. */
    List<ProcessHandle> servingSide() {
        List<ProcessHandle> all = new ArrayList<>();
        all.add(upstream.handle());
        proxies.values().forEach(p -> all.add(p.handle()));
        return all;
    }

    @Override
    public void close() {
        proxies.values().forEach(ChildProcess::close);
        upstream.close();
        lanyard.close();
    }
}
