package dev.lanyard.mcp.proxy;

import dev.lanyard.mcp.guard.AdapterConfig;
import dev.lanyard.mcp.guard.McpGuard;
import dev.lanyard.mcp.resource.ProtectedResourceMetadata;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.DeploymentOptions;
import dev.lanyard.mcp.guard.SessionOwners;
import io.vertx.core.http.HttpServerOptions;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code java -jar lanyard-mcp-proxy.jar --upstream http://127.0.0.1:9000/mcp --resource https://tools.example/mcp
 * --issuer https://lanyard.example/oauth2/aus_…}: the MCP proxy. The adapter token comes from the environment
 * ({@code LANYARD_ADAPTER_TOKEN}) or a file, never from the command line, where other users of the machine could read it.
 */
@Command(name = "lanyard-mcp-proxy", mixinStandardHelpOptions = true, version = "lanyard-mcp-proxy 0.1.0",
        description = "Guards a Streamable HTTP MCP server: verifies agent tokens, asks the policy about every tool call, "
                + "audits each call, honours the kill switch.")
public final class ProxyCommand implements Callable<Integer> {
    static {
        // a command of its own: its logging configuration, unless the operator chose one (before any logger exists)
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "lanyard-mcp-logback.xml");
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(ProxyCommand.class);

    @Option(names = "--upstream", required = true, description = "MCP endpoint of the server behind the proxy, e.g. http://127.0.0.1:9000/mcp")
    URI upstream;

    @Option(names = "--resource", required = true, description = "Canonical URI clients use for this MCP server (tokens must carry it in aud), e.g. https://tools.example/mcp")
    String resource;

    @Option(names = "--issuer", required = true, description = "Issuer of the resource authorization server, e.g. https://lanyard.example/oauth2/aus_123")
    String issuer;

    @Option(names = "--jwks-uri", description = "The issuer's JWKS (default: jwks_uri from its RFC 8414 metadata)")
    URI jwksUri;

    @Option(names = "--listen", defaultValue = "127.0.0.1:8090", description = "host:port to listen on. Default: ${DEFAULT-VALUE}")
    String listen;

    @Option(names = "--path", description = "Path to serve MCP on (default: the resource URI's path)")
    String path;

    @Option(names = "--lanyard", description = "Lanyard server URL: Data API decisions, audit ingest and the kill-switch feed")
    URI lanyard;

    @Option(names = "--adapter-token-file", description = "File holding the adapter token (default: $LANYARD_ADAPTER_TOKEN)")
    Path adapterTokenFile;

    @Option(names = "--policy", description = "Decide in process: 'default' (the bundled policy set), a bundle .tar.gz or a Rego directory. "
            + "Default: the Lanyard server's Data API")
    Path policy;

    @Option(names = "--scopes", split = ",", description = "scopes_supported of the protected resource metadata (comma-separated)")
    List<String> scopes = new ArrayList<>();

    @Option(names = "--resource-name", description = "resource_name of the protected resource metadata")
    String resourceName;

    @Option(names = "--state-dir", defaultValue = "lanyard-mcp-state", description = "Audit spool and kill-switch cursor. Default: ${DEFAULT-VALUE}")
    Path stateDir;

    @Option(names = "--revocation-max-staleness", defaultValue = "30s", converter = DurationConverter.class,
            description = "Refuse calls once the kill-switch feed has been lost this long (fail closed). Default: ${DEFAULT-VALUE}")
    Duration maxStaleness;

    @Option(names = "--upstream-header", description = "Header added to upstream requests, 'Name: value' (the proxy's own credential); repeatable")
    List<String> upstreamHeaders = new ArrayList<>();

    @Option(names = "--max-body", defaultValue = "1048576", description = "Largest request body in bytes. Default: ${DEFAULT-VALUE}")
    int maxBody;

    @Option(names = "--event-loops", defaultValue = "0", description = "Event loop threads (0: one per core). Default: ${DEFAULT-VALUE}")
    int eventLoops;

    @Option(names = "--upstream-connections", defaultValue = "256", description = "Connections to the upstream, at most (all event loops together). Default: ${DEFAULT-VALUE}")
    int upstreamConnections;

    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new ProxyCommand());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("error: " + e.getMessage());
            return 2;
        });
        int code = cli.execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }

    /** A running proxy: its Vert.x, the guard, and the port it listens on; {@link #close()} stops all of it. */
    public record Running(Vertx vertx, McpGuard guard, int port, ExecutorService workers) implements AutoCloseable {
        @Override
        public void close() {
            try {
                vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warn("proxy did not stop cleanly: {}", e.toString());
            }
            guard.close();
            workers.shutdownNow();
        }
    }

    /** Starts the proxy (tests and embedders call this; {@link #call} also waits until the process is stopped). */
    public Running start() throws Exception {
        String token = adapterToken();
        String canonical = ProtectedResourceMetadata.canonical(resource);
        String mcpPath = path != null ? path : pathOf(canonical);
        AdapterConfig.Builder b = AdapterConfig.builder(canonical, issuer).jwksUri(jwksUri).scopesSupported(scopes)
                .resourceName(resourceName).localPolicy(policy).stateDir(stateDir).revocationMaxStaleness(maxStaleness);
        if (lanyard != null) {
            if (token == null) {
                throw new IllegalArgumentException("--lanyard needs an adapter token: set LANYARD_ADAPTER_TOKEN or --adapter-token-file");
            }
            b.lanyard(lanyard, token);
        }
        AdapterConfig config = b.build();
        // one loop per core, not Vert.x's two: a proxy's loops never block, and more of them than cores only adds
        // context switches (four loops on two cores cost 8 % more CPU per call than two in the same A/B)
        int loops = eventLoops > 0 ? eventLoops : Runtime.getRuntime().availableProcessors();
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops).setPreferNativeTransport(true));
        ExecutorService workers = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()), r -> {
            Thread t = new Thread(r, "lanyard-guard-worker");
            t.setDaemon(true);
            return t;
        });
        // a local policy is evaluated on the event loops themselves (one engine instance each): cheaper than two hops
        McpGuard guard = McpGuard.start(config, workers, workers, loops);
        // each event loop has its own upstream pool: the total stays what --upstream-connections says
        McpProxy.Settings settings = new McpProxy.Settings(upstream, mcpPath, maxBody, McpProxy.headerMap(upstreamHeaders),
                Math.max(4, upstreamConnections / loops));
        String[] hp = listen.split(":");
        if (hp.length != 2) {
            throw new IllegalArgumentException("--listen must be host:port");
        }
        HttpServerOptions serverOptions = new HttpServerOptions().setHost(hp[0]).setPort(Integer.parseInt(hp[1]))
                .setTcpNoDelay(true).setCompressionSupported(false);
        SessionOwners sessions = new SessionOwners();
        List<ProxyVerticle> instances = new java.util.concurrent.CopyOnWriteArrayList<>();
        try {
            vertx.deployVerticle(() -> {
                ProxyVerticle v = new ProxyVerticle(guard, settings, sessions, serverOptions);
                instances.add(v);
                return v;
            }, new DeploymentOptions().setInstances(loops)).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            vertx.close();
            guard.close();
            workers.shutdownNow();
            throw new IllegalStateException("the proxy could not listen on " + listen + ": " + rootMessage(e), e);
        }
        int port = instances.get(0).port();
        LOG.info("MCP proxy for {} listening on {}:{}{} -> {} ({} event loops, {} transport)", canonical, hp[0], port, mcpPath,
                upstream, loops, vertx.isNativeTransportEnabled() ? "epoll" : "NIO");
        return new Running(vertx, guard, port, workers);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return String.valueOf(t.getMessage());
    }

    @Override
    public Integer call() throws Exception {
        Running running = start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            running.close();
            stopped.countDown();
        }, "lanyard-mcp-proxy-stop"));
        stopped.await();
        return 0;
    }

    private String adapterToken() throws java.io.IOException {
        if (adapterTokenFile != null) {
            return Files.readString(adapterTokenFile).trim();
        }
        String env = System.getenv("LANYARD_ADAPTER_TOKEN");
        return env == null || env.isBlank() ? null : env.trim();
    }

    static String pathOf(String canonicalResource) {
        String p = URI.create(canonicalResource).getRawPath();
        return p == null || p.isEmpty() ? "/" : p;
    }

    /** {@code 30s}, {@code 500ms}, {@code 2m}, or ISO-8601 ({@code PT30S}). */
    public static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String v) {
            String s = v.trim().toLowerCase(java.util.Locale.ROOT);
            if (s.startsWith("pt")) {
                return Duration.parse(s.toUpperCase(java.util.Locale.ROOT));
            }
            if (s.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
            }
            long n = Long.parseLong(s.substring(0, s.length() - 1));
            return switch (s.charAt(s.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                default -> throw new IllegalArgumentException("not a duration: " + v);
            };
        }
    }
}
