package dev.lanyard.mcp.guard;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanyard.mcp.audit.AuditEmitter;
import dev.lanyard.mcp.audit.AuditSpool;
import dev.lanyard.mcp.audit.HttpAuditSink;
import dev.lanyard.mcp.audit.ToolCallAudit;
import dev.lanyard.mcp.audit.ToolCallAuditRecord;
import dev.lanyard.mcp.decision.DataApiDecisionClient;
import dev.lanyard.mcp.decision.Decision;
import dev.lanyard.mcp.decision.DecisionClient;
import dev.lanyard.mcp.decision.DecisionInput;
import dev.lanyard.mcp.decision.LocalDecisionClient;
import dev.lanyard.mcp.http.JdkHttpFetcher;
import dev.lanyard.mcp.http.Json;
import dev.lanyard.mcp.jsonrpc.JsonRpcError;
import dev.lanyard.mcp.jsonrpc.McpHeaders;
import dev.lanyard.mcp.jsonrpc.McpMessage;
import dev.lanyard.mcp.killswitch.RevocationFeed;
import dev.lanyard.mcp.killswitch.RevocationList;
import dev.lanyard.mcp.resource.BearerChallenge;
import dev.lanyard.mcp.resource.ProtectedResourceMetadata;
import dev.lanyard.mcp.token.AccessTokenVerifier;
import dev.lanyard.mcp.token.InvalidTokenException;
import dev.lanyard.mcp.token.IssuerKeys;
import dev.lanyard.mcp.token.KeysUnavailableException;
import dev.lanyard.mcp.token.RevocationCheck;
import dev.lanyard.mcp.token.VerifiedToken;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The adapter's core, shared by the servlet filter and the proxy: authenticate a request's bearer token (verifier and
 * kill switch), decide a tool call (policy, then {@link Verdict}), and hand the audit record of every tool call to the
 * emitter. Framework-neutral: everything that may wait returns a {@link CompletionStage}; nothing here blocks.
 */
public final class McpGuard implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(McpGuard.class);
    private static final Logger AUDIT_LOG = LoggerFactory.getLogger("lanyard.audit");
    /** What a client sees of a policy denial: no policy internals (the reasons go to the audit trail only). */
    public static final String DENIED_TEXT = "This tool call was denied by the authorization policy.";
    public static final String UNAVAILABLE_TEXT = "Authorization is temporarily unavailable; the tool call was not run.";

    private final AdapterConfig config;
    private final ProtectedResourceMetadata metadata;
    private final AccessTokenVerifier verifier;
    private final DecisionClient decisions;
    private final AuditEmitter emitter;
    private final RevocationFeed feed;
    private final Clock clock;

    McpGuard(AdapterConfig config, ProtectedResourceMetadata metadata, AccessTokenVerifier verifier, DecisionClient decisions,
             AuditEmitter emitter, RevocationFeed feed, Clock clock) {
        this.config = config;
        this.metadata = metadata;
        this.verifier = verifier;
        this.decisions = decisions;
        this.emitter = emitter;
        this.feed = feed;
        this.clock = clock;
    }

    /**
     * Builds and starts everything the configuration asks for.
     *
     * @param cryptoExecutor where signature checks run (a worker pool under an event loop; direct in a servlet thread)
     * @param policyExecutor where in-process policy evaluations run
     */
    public static McpGuard start(AdapterConfig c, Executor cryptoExecutor, Executor policyExecutor) {
        return start(c, cryptoExecutor, policyExecutor, 0);
    }

    /**
     * @param inlinePolicyCallers with a local policy: evaluate on the calling threads, this many at once (the event
     *                            loops), instead of on {@code policyExecutor}; 0 to use the executor
     */
    public static McpGuard start(AdapterConfig c, Executor cryptoExecutor, Executor policyExecutor, int inlinePolicyCallers) {
        Clock clock = Clock.systemUTC();
        // HTTP/1.1: the JDK client would otherwise upgrade to HTTP/2, whose 64 KiB initial flow-control window cuts an
        // audit batch (hundreds of KiB) into window-sized rounds, at a CPU cost on both ends for no gain on one stream
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        ProtectedResourceMetadata prm = new ProtectedResourceMetadata(c.resource(), java.util.List.of(c.issuer()),
                c.scopesSupported(), c.resourceName());
        RevocationFeed feed = null;
        RevocationCheck revocations = RevocationCheck.NONE;
        if (c.killSwitch()) {
            RevocationList list = new RevocationList(clock, c.maxTokenLifetime());
            feed = new RevocationFeed(RevocationFeed.Settings.of(c.lanyardUrl(), c.adapterToken(), c.revocationMaxStaleness(),
                    c.stateDir() == null ? null : c.stateDir().resolve("revocations.cursor")), list, http, System::nanoTime);
            revocations = list;
        }
        IssuerKeys keys = new IssuerKeys(c.issuer(), c.jwksUri(), new JdkHttpFetcher(http, Duration.ofSeconds(10)),
                c.keyRefreshInterval(), Duration.ofMinutes(5), System::nanoTime);
        AccessTokenVerifier verifier = new AccessTokenVerifier(new AccessTokenVerifier.Settings(c.issuer(), prm.resource(),
                AccessTokenVerifier.Settings.defaults(c.issuer(), prm.resource()).algorithms(), c.clockSkew(), 10_000),
                keys, revocations, clock, cryptoExecutor);
        DecisionClient decisions;
        if (c.localPolicy() == null) {
            decisions = new DataApiDecisionClient(http, c.lanyardUrl(), c.adapterToken(), c.decisionTimeout());
        } else if (inlinePolicyCallers > 0) {
            decisions = LocalDecisionClient.inline(LocalDecisionClient.load(c.localPolicy()), inlinePolicyCallers);
        } else {
            decisions = new LocalDecisionClient(LocalDecisionClient.load(c.localPolicy()), policyExecutor);
        }
        AuditEmitter emitter = null;
        if (c.lanyardUrl() != null && c.adapterToken() != null) {
            java.nio.file.Path dir = c.stateDir().resolve("audit-spool");
            emitter = new AuditEmitter(AuditSpool.open(dir), c.stateDir().resolve("audit-rejected.jsonl"),
                    new HttpAuditSink(http, c.lanyardUrl(), c.adapterToken(), Duration.ofSeconds(10)),
                    AuditEmitter.Settings.defaults()).start();
        }
        if (feed != null) {
            feed.start();
        }
        LOG.info("guarding {} (issuer {}, decisions {}, kill switch {}, audit {})", prm.resource(), c.issuer(),
                c.localPolicy() != null ? "in process from " + c.localPolicy() : "from " + c.lanyardUrl(),
                c.killSwitch() ? "on" : "off", emitter != null ? "to " + c.lanyardUrl() : "to the log only");
        return new McpGuard(c, prm, verifier, decisions, emitter, feed, clock);
    }

    /** Assembles a guard from parts (tests, and servers that bring their own decision client). */
    public static McpGuard of(AdapterConfig c, AccessTokenVerifier verifier, DecisionClient decisions, AuditEmitter emitter,
                              RevocationFeed feed, Clock clock) {
        ProtectedResourceMetadata prm = new ProtectedResourceMetadata(c.resource(), java.util.List.of(c.issuer()),
                c.scopesSupported(), c.resourceName());
        return new McpGuard(c, prm, verifier, decisions, emitter, feed, clock);
    }

    public ProtectedResourceMetadata metadata() {
        return metadata;
    }

    public String resource() {
        return metadata.resource();
    }

    public Clock clock() {
        return clock;
    }

    /**
     * The audit of this request if it is a {@code tools/call} (null otherwise), started from the request's headers
     * ({@code header} reads one by name, whatever the framework): trace context, protocol version, session.
     */
    public ToolCallAudit startAudit(McpMessage message, Function<String, String> header) {
        if (message == null || !message.isToolCall()) {
            return null;
        }
        return new ToolCallAudit(clock, resource(), message, header.apply("traceparent"))
                .protocolVersion(header.apply(McpHeaders.PROTOCOL_VERSION))
                .sessionId(header.apply(McpHeaders.SESSION_ID));
    }

    public Optional<AuditEmitter> emitter() {
        return Optional.ofNullable(emitter);
    }

    public Optional<RevocationFeed> feed() {
        return Optional.ofNullable(feed);
    }

    /**
     * Authenticates one HTTP request by its {@code Authorization} header. Completes with the verified token, or fails
     * with a {@link Refusal}: 401 without a token (challenge naming the metadata and scopes) or with a bad one
     * ({@code invalid_token}), 400 for a malformed header, 503 while tokens cannot be judged (no keys, kill-switch
     * feed lost) or calls could not be audited (the audit spool's hand-over queue nearly full) — failing closed.
     */
    public CompletionStage<VerifiedToken> authenticate(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            return CompletableFuture.failedFuture(Refusal.challenge(BearerChallenge.missingToken(metadata), "no access token"));
        }
        if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            // another scheme (Basic, DPoP…): as if no bearer token was sent, with the challenge that says how to get one
            return CompletableFuture.failedFuture(Refusal.challenge(BearerChallenge.missingToken(metadata), "not a bearer token"));
        }
        String token = authorization.substring(7).trim();
        if (token.isEmpty() || token.indexOf(' ') >= 0) {
            return CompletableFuture.failedFuture(Refusal.challenge(
                    BearerChallenge.invalidRequest(metadata, "malformed Authorization header"), "malformed Authorization header"));
        }
        if (feed != null) {
            Optional<String> down = feed.unavailable();
            if (down.isPresent()) {
                return CompletableFuture.failedFuture(Refusal.error(JsonRpcError.unavailable(UNAVAILABLE_TEXT + " (" + down.get() + ")")));
            }
        }
        if (emitter != null && emitter.congested()) {
            // fail closed: a call that ran now might have no room for its audit record
            return CompletableFuture.failedFuture(Refusal.error(JsonRpcError.unavailable(
                    UNAVAILABLE_TEXT + " (audit records are not being written fast enough)")));
        }
        return verifier.verify(token).handle((t, e) -> {
            if (e == null) {
                return t;
            }
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            if (cause instanceof InvalidTokenException bad) {
                throw Refusal.challenge(BearerChallenge.invalidToken(metadata, bad.getMessage()), bad.getMessage(), bad.genuine());
            }
            if (cause instanceof KeysUnavailableException) {
                LOG.warn("token not verifiable: {}", cause.getMessage());
                throw Refusal.error(JsonRpcError.unavailable(UNAVAILABLE_TEXT + " (signing keys unavailable)"));
            }
            LOG.error("token verification failed unexpectedly", cause);
            throw Refusal.error(JsonRpcError.unavailable(UNAVAILABLE_TEXT));
        });
    }

    /** Asks the policy about a tool call and turns the answer into a {@link Verdict}. Never fails: errors deny. */
    public CompletionStage<Verdict> authorize(VerifiedToken token, String toolName, JsonNode arguments, String clientIp) {
        return decide(token, "tools/call", toolName, arguments, clientIp).thenApply(d -> Verdict.of(d, token));
    }

    /** The policy's decision about any method (tools/list filtering asks per tool with {@code tools/call}). */
    public CompletionStage<Decision> decide(VerifiedToken token, String method, String toolName, JsonNode arguments,
                                            String clientIp) {
        JsonNode input = DecisionInput.of(token, metadata.resource(), method, toolName, arguments, clientIp, clock.instant());
        try {
            return decisions.decide(input).exceptionally(e -> {
                LOG.error("decision failed", e);
                return Decision.unavailable("decision failed");
            });
        } catch (RuntimeException e) {
            LOG.error("decision failed", e);
            return CompletableFuture.completedFuture(Decision.unavailable("decision failed"));
        }
    }

    /** Hands the record of one tool call to the emitter (or, without a server, to the {@code lanyard.audit} log). */
    public void audit(ToolCallAuditRecord record) {
        if (emitter != null) {
            emitter.emit(record);
        } else {
            AUDIT_LOG.info(Json.write(record));
        }
    }

    public AdapterConfig config() {
        return config;
    }

    @Override
    public void close() {
        if (feed != null) {
            feed.close();
        }
        if (emitter != null) {
            emitter.close();
        }
        decisions.close();
    }
}
