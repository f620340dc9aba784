package dev.lanyard.mcp.sample;

import dev.lanyard.mcp.guard.AdapterConfig;
import dev.lanyard.mcp.guard.McpGuard;
import dev.lanyard.mcp.guard.SessionOwners;
import dev.lanyard.mcp.sdk.GuardContext;
import dev.lanyard.mcp.sdk.GuardedTools;
import dev.lanyard.mcp.sdk.McpAuthFilter;
import dev.lanyard.mcp.sdk.PolicyToolFilter;
import dev.lanyard.mcp.sdk.ProtectedResourceMetadataServlet;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.McpStatelessServerFeatures;
import io.modelcontextprotocol.server.McpStatelessSyncServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStatelessServerTransport;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.Wrapper;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.ExpandWar;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A small MCP server on the official Java SDK (embedded Tomcat), with the ticket tools of {@link TicketTools}:
 * {@code /mcp} speaks Streamable HTTP with sessions (2025-11-25), {@code /mcp-stateless} without them.
 *
 * <p>Unguarded, it is the upstream the proxy is tested and measured against. Guarded ({@link #startGuarded}), it shows
 * the library integration: {@link McpAuthFilter} in front of the SDK servlet, {@link GuardContext#extractor()} as
 * context extractor, {@link GuardedTools} around every tool, {@link PolicyToolFilter} on tools/list, and the RFC 9728
 * document served by {@link ProtectedResourceMetadataServlet}.
 */
@Command(name = "sample-mcp-server", mixinStandardHelpOptions = true,
        description = "The sample MCP server (ticket tools) on the Java MCP SDK; optionally guarded by the Lanyard adapter library.")
public final class SampleMcpServer implements AutoCloseable, Callable<Integer> {
    static {
        // a command of its own: its logging configuration, unless the operator chose one (before any logger exists)
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "lanyard-mcp-logback.xml");
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(SampleMcpServer.class);

    private Tomcat tomcat;
    private McpSyncServer server;
    private McpStatelessSyncServer stateless;
    private McpGuard guard;
    private Path baseDir;

    @Option(names = "--host", defaultValue = "127.0.0.1")
    String host;
    @Option(names = "--port", defaultValue = "9000")
    int port;
    @Option(names = "--resource", description = "Guard the server (library mode) as this resource; needs --issuer")
    String resource;
    @Option(names = "--issuer")
    String issuer;
    @Option(names = "--lanyard")
    URI lanyard;
    @Option(names = "--policy", description = "'default', a bundle or a Rego directory (in-process decisions)")
    Path policy;
    @Option(names = "--state-dir", defaultValue = "lanyard-mcp-sample-state")
    Path stateDir;

    public static void main(String[] args) {
        System.exit(new CommandLine(new SampleMcpServer()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (resource != null) {
            String token = System.getenv("LANYARD_ADAPTER_TOKEN");
            AdapterConfig.Builder b = AdapterConfig.builder(resource, issuer).localPolicy(policy).stateDir(stateDir)
                    .scopesSupported(List.of("tickets:read"));
            if (lanyard != null) {
                b.lanyard(lanyard, token);
            }
            var workers = Executors.newFixedThreadPool(2);
            McpGuard g = McpGuard.start(b.build(), Runnable::run, workers);
            startGuarded(host, port, g);
        } else {
            startOn(host, port, null);
        }
        LOG.info("sample MCP server on http://{}:{}/mcp (and /mcp-stateless){}", host, port(), guard != null ? ", guarded" : "");
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            close();
            stop.countDown();
        }));
        stop.await();
        return 0;
    }

    /** Unguarded, on a free port when {@code port} is 0. */
    public static SampleMcpServer start(int port) throws LifecycleException {
        return new SampleMcpServer().startOn("127.0.0.1", port, null);
    }

    /** Guarded by the adapter library; closing the server closes the guard. */
    public static SampleMcpServer startGuarded(String host, int port, McpGuard guard) throws LifecycleException {
        return new SampleMcpServer().startOn(host, port, guard);
    }

    private SampleMcpServer startOn(String host, int port, McpGuard guard) throws LifecycleException {
        this.guard = guard;
        try {
            baseDir = Files.createTempDirectory("lanyard-sample-tomcat");
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        var mapper = McpJsonDefaults.getMapper();
        var streamable = HttpServletStreamableServerTransportProvider.builder().jsonMapper(mapper).mcpEndpoint("/mcp")
                .contextExtractor(GuardContext.extractor()).keepAliveInterval(Duration.ofSeconds(15)).build();
        var statelessTransport = HttpServletStatelessServerTransport.builder().jsonMapper(mapper).messageEndpoint("/mcp-stateless")
                .contextExtractor(GuardContext.extractor()).build();

        TicketTools tickets = new TicketTools();
        List<McpServerFeatures.SyncToolSpecification> tools = new ArrayList<>();
        List<McpStatelessServerFeatures.SyncToolSpecification> statelessTools = new ArrayList<>();
        for (TicketTools.Tool t : tickets.tools()) {
            tools.add(new McpServerFeatures.SyncToolSpecification(t.schema(), (exchange, req) -> t.handler().apply(req.arguments())));
            statelessTools.add(new McpStatelessServerFeatures.SyncToolSpecification(t.schema(), (ctx, req) -> t.handler().apply(req.arguments())));
        }
        var spec = McpServer.sync(streamable).serverInfo("lanyard-sample-tickets", "0.1.0")
                .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
                .tools(guard == null ? tools : GuardedTools.guardAll(tools));
        var statelessSpec = McpServer.sync(statelessTransport).serverInfo("lanyard-sample-tickets", "0.1.0")
                .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
                .tools(guard == null ? statelessTools : GuardedTools.guardAllStateless(statelessTools));
        if (guard != null) {
            spec.addToolFilter(new PolicyToolFilter(guard, false));
            statelessSpec.addToolFilter(new PolicyToolFilter(guard, false));
        }
        server = spec.build();
        stateless = statelessSpec.build();

        tomcat = new Tomcat();
        tomcat.setBaseDir(baseDir.toString());
        Connector connector = new Connector("HTTP/1.1");
        connector.setPort(port);
        connector.setProperty("address", host);
        tomcat.getService().addConnector(connector);
        tomcat.setConnector(connector);
        Context ctx = tomcat.addContext("", baseDir.toString());
        Wrapper mcp = Tomcat.addServlet(ctx, "mcp", streamable);
        mcp.setAsyncSupported(true);
        ctx.addServletMappingDecoded("/mcp", "mcp");
        Wrapper mcpStateless = Tomcat.addServlet(ctx, "mcp-stateless", statelessTransport);
        mcpStateless.setAsyncSupported(true);
        ctx.addServletMappingDecoded("/mcp-stateless", "mcp-stateless");
        if (guard != null) {
            var prm = new ProtectedResourceMetadataServlet(guard.metadata());
            Tomcat.addServlet(ctx, "prm", prm);
            ctx.addServletMappingDecoded(guard.metadata().wellKnownPath(), "prm");
            ctx.addServletMappingDecoded("/.well-known/oauth-protected-resource", "prm");
            FilterDef def = new FilterDef();
            def.setFilterName("lanyard");
            def.setFilter(new McpAuthFilter(guard, new SessionOwners(), 1 << 20));
            def.setAsyncSupported("true");
            ctx.addFilterDef(def);
            FilterMap map = new FilterMap();
            map.setFilterName("lanyard");
            map.addURLPatternDecoded("/mcp");
            map.addURLPatternDecoded("/mcp-stateless");
            ctx.addFilterMap(map);
        }
        tomcat.start();
        return this;
    }

    public int port() {
        return tomcat.getConnector().getLocalPort();
    }

    /** The stateful (session) endpoint. */
    public String url() {
        return "http://127.0.0.1:" + port() + "/mcp";
    }

    public String statelessUrl() {
        return "http://127.0.0.1:" + port() + "/mcp-stateless";
    }

    public McpGuard guard() {
        return guard;
    }

    @Override
    public void close() {
        try {
            if (server != null) {
                server.closeGracefully();
            }
            if (stateless != null) {
                stateless.closeGracefully();
            }
            if (tomcat != null) {
                tomcat.stop();
                tomcat.destroy();
            }
        } catch (Exception e) {
            LOG.warn("sample server did not stop cleanly: {}", e.toString());
        }
        if (guard != null) {
            guard.close();
        }
        deleteBaseDir();
    }

    /** Tomcat's scratch directory is this run's only: nothing in it outlives the server. */
    private void deleteBaseDir() {
        if (baseDir == null) {
            return;
        }
        // Tomcat records the first instance's directory as the JVM-wide catalina.home, and later instances in the
        // same JVM recreate it; forget it along with the directory
        for (String property : new String[] {"catalina.home", "catalina.base"}) {
            if (baseDir.toString().equals(System.getProperty(property))) {
                System.clearProperty(property);
            }
        }
        if (!ExpandWar.delete(baseDir.toFile())) {
            LOG.warn("could not delete the sample server's scratch directory {}", baseDir);
        }
    }
}
