package dev.lanyard.mcp.support;

import dev.lanyard.mcp.audit.AuditEmitter;
import dev.lanyard.mcp.audit.AuditSpool;
import dev.lanyard.mcp.audit.HttpAuditSink;
import dev.lanyard.mcp.decision.DecisionClient;
import dev.lanyard.mcp.decision.LocalDecisionClient;
import dev.lanyard.mcp.guard.AdapterConfig;
import dev.lanyard.mcp.guard.McpGuard;
import dev.lanyard.mcp.http.JdkHttpFetcher;
import dev.lanyard.mcp.killswitch.RevocationList;
import dev.lanyard.mcp.token.AccessTokenVerifier;
import dev.lanyard.mcp.token.IssuerKeys;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A guard wired from real parts without a Lanyard server: the {@link LocalIssuer}'s keys over HTTP, the default policy
 * evaluated in process, a revocation list the test feeds directly, and audit records delivered over HTTP to an
 * {@link IngestServer}. The end-to-end tests replace all of it with the real server.
 */
public final class TestGuard implements AutoCloseable {
    public final LocalIssuer issuer;
    public final IngestServer ingest;
    public final RevocationList revocations = new RevocationList(Clock.systemUTC(), Duration.ofHours(1));
    public final McpGuard guard;
    private final ExecutorService workers = Executors.newFixedThreadPool(2);
    private static DecisionClient sharedPolicy;

    public TestGuard(Path stateDir, String resource) throws Exception {
        this(stateDir, resource, 10_000, true);
    }

    /** {@code startEmitter} false: records pile up in the emitter's hand-over queue of {@code queueCapacity}. */
    public TestGuard(Path stateDir, String resource, int queueCapacity, boolean startEmitter) throws Exception {
        issuer = new LocalIssuer();
        ingest = new IngestServer();
        AdapterConfig config = AdapterConfig.builder(resource, issuer.issuer()).localPolicy(Path.of("default"))
                .stateDir(stateDir).scopesSupported(List.of("tickets:read")).resourceName("Tickets").build();
        IssuerKeys keys = new IssuerKeys(issuer.issuer(), null, JdkHttpFetcher.create());
        AccessTokenVerifier verifier = new AccessTokenVerifier(AccessTokenVerifier.Settings.defaults(issuer.issuer(),
                config.resource()), keys, revocations, Clock.systemUTC(), workers);
        AuditEmitter emitter = new AuditEmitter(AuditSpool.open(stateDir.resolve("spool")), stateDir.resolve("rejected.jsonl"),
                new HttpAuditSink(HttpClient.newHttpClient(), ingest.base(), IngestServer.TOKEN, Duration.ofSeconds(5)),
                new AuditEmitter.Settings(500, queueCapacity, Duration.ofMillis(20), Duration.ofMillis(200), Duration.ofMillis(20)));
        if (startEmitter) {
            emitter.start();
        }
        guard = McpGuard.of(config, verifier, policy(), emitter, null, Clock.systemUTC());
    }

    /** Compiling the default policy to WASM takes a moment: once per test JVM. */
    private static synchronized DecisionClient policy() {
        if (sharedPolicy == null) {
            sharedPolicy = new LocalDecisionClient(LocalDecisionClient.load(Path.of("default")),
                    Executors.newFixedThreadPool(2, r -> {
                        Thread t = new Thread(r, "test-policy");
                        t.setDaemon(true);
                        return t;
                    }));
        }
        return sharedPolicy;
    }

    /** Waits until every audit record handed over so far reached the ingest endpoint. */
    public void awaitAudit() throws InterruptedException {
        if (!guard.emitter().orElseThrow().awaitDelivered(Duration.ofSeconds(20))) {
            throw new AssertionError("audit records not delivered within 20 s");
        }
    }

    @Override
    public void close() {
        guard.emitter().ifPresent(AuditEmitter::close);
        issuer.close();
        ingest.close();
        workers.shutdownNow();
    }
}
