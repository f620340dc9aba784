package dev.lanyard.mcp.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanyard.mcp.audit.ToolCallAudit;
import dev.lanyard.mcp.audit.ToolCallAuditRecord;
import dev.lanyard.mcp.guard.McpGuard;
import dev.lanyard.mcp.guard.Refusal;
import dev.lanyard.mcp.guard.SessionOwners;
import dev.lanyard.mcp.guard.ToolErrorResult;
import dev.lanyard.mcp.guard.Verdict;
import dev.lanyard.mcp.http.Json;
import dev.lanyard.mcp.jsonrpc.JsonRpcError;
import dev.lanyard.mcp.jsonrpc.JsonRpcException;
import dev.lanyard.mcp.jsonrpc.McpHeaders;
import dev.lanyard.mcp.jsonrpc.McpMessage;
import dev.lanyard.mcp.jsonrpc.ResponseOutcome;
import dev.lanyard.mcp.jsonrpc.ResponseScanner;
import dev.lanyard.mcp.resource.BearerChallenge;
import dev.lanyard.mcp.token.VerifiedToken;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A reverse proxy in front of any Streamable HTTP MCP server: it answers the RFC 9728 metadata itself, authenticates
 * every request (bearer token, kill switch), binds sessions to their principal, checks 2026-07-28's mirrored headers
 * against the body, asks the policy about every {@code tools/call} — refusing with a 403 step-up challenge or a tool
 * error — and audits each tools/call exactly once, with the outcome read from the upstream's answer as it streams by.
 *
 * <p>The client's token never goes upstream (MCP forbids token passthrough): {@code Authorization} is stripped and
 * replaced by the proxy's own upstream headers, if configured. Responses — JSON or Server-Sent Events — are streamed
 * through unbuffered, with backpressure. Everything runs on the event loop; token verification and decisions hop to
 * worker threads only when they are not already answered from memory.
 */
public final class McpProxy {
    private static final Logger LOG = LoggerFactory.getLogger(McpProxy.class);
    /** Hop-by-hop headers (RFC 9110 §7.6.1) and the ones the proxy sets itself. */
    private static final Set<String> NOT_FORWARDED = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "host",
            "content-length", "authorization");
    /** The largest response document or SSE event the proxy reads to classify a tool call's outcome. */
    private static final int SCAN_LIMIT = 4 << 20;
    private static final int GATHER_LIMIT = 256 << 10;

    /**
     * @param upstream        the MCP endpoint of the server behind the proxy
     * @param path            the path the proxy serves MCP on (the resource URI's path)
     * @param upstreamHeaders headers added to every upstream request (the proxy's own credential, if any)
     */
    public record Settings(URI upstream, String path, int maxBodyBytes, Map<String, String> upstreamHeaders, int upstreamConnections) {
        public Settings {
            upstreamHeaders = Map.copyOf(upstreamHeaders);
        }
    }

    private final Vertx vertx;
    private final McpGuard guard;
    private final Settings settings;
    private final HttpClientAgent client;
    private final SessionOwners sessions;
    private final String upstreamHost;
    private final int upstreamPort;
    private final String upstreamPath;

    public McpProxy(Vertx vertx, McpGuard guard, Settings settings) {
        this(vertx, guard, settings, new SessionOwners());
    }

    /**
     * @param sessions shared by every instance of the proxy in the process (one per event loop): a session opened
     *                 through one instance may continue through another
     */
    public McpProxy(Vertx vertx, McpGuard guard, Settings settings, SessionOwners sessions) {
        this.vertx = vertx;
        this.sessions = sessions;
        this.guard = guard;
        this.settings = settings;
        URI u = settings.upstream;
        if (!"http".equalsIgnoreCase(u.getScheme()) && !"https".equalsIgnoreCase(u.getScheme())) {
            throw new IllegalArgumentException("upstream must be an http(s) URL: " + u);
        }
        boolean tls = "https".equalsIgnoreCase(u.getScheme());
        this.upstreamHost = u.getHost();
        this.upstreamPort = u.getPort() > 0 ? u.getPort() : tls ? 443 : 80;
        this.upstreamPath = (u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath())
                + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
        this.client = vertx.createHttpClient(new HttpClientOptions().setSsl(tls).setKeepAlive(true).setTcpNoDelay(true)
                        .setConnectTimeout(5_000).setDecompressionSupported(false),
                new PoolOptions().setHttp1MaxSize(settings.upstreamConnections).setMaxWaitQueueSize(-1));
    }

    public SessionOwners sessions() {
        return sessions;
    }

    public Router router() {
        Router r = Router.router(vertx);
        String wellKnown = guard.metadata().wellKnownPath();
        r.get(wellKnown).handler(this::metadata);
        r.get("/.well-known/oauth-protected-resource").handler(this::metadata);
        r.post(settings.path).handler(BodyHandler.create(false).setBodyLimit(settings.maxBodyBytes)).handler(this::post)
                .failureHandler(this::failure);
        r.get(settings.path).handler(this::passThrough);
        r.delete(settings.path).handler(this::passThrough);
        r.route(settings.path).handler(ctx -> ctx.response().setStatusCode(405).putHeader("Allow", "GET, POST, DELETE").end());
        return r;
    }

    private void metadata(RoutingContext ctx) {
        ctx.response().putHeader("Content-Type", "application/json").putHeader("Cache-Control", "max-age=300")
                .end(guard.metadata().toJson().toString());
    }

    /** The body was too large or unreadable: a JSON-RPC error, never an HTML page. */
    private void failure(RoutingContext ctx) {
        int status = ctx.statusCode() == 413 ? 413 : ctx.statusCode() >= 400 && ctx.statusCode() < 500 ? ctx.statusCode() : 500;
        if (status == 500) {
            LOG.error("proxy request failed", ctx.failure());
        }
        String message = status == 413 ? "request body exceeds " + settings.maxBodyBytes + " bytes" : "request failed";
        json(ctx.response(), status, new JsonRpcError(status, JsonRpcError.INVALID_REQUEST, message).toJson(null));
    }

    /** POST: one JSON-RPC message from the client. */
    private void post(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        Buffer body = ctx.body().buffer() == null ? Buffer.buffer() : ctx.body().buffer();
        McpMessage message;
        JsonRpcException malformed = null;
        try {
            message = McpMessage.parse(body.getBytes());
        } catch (JsonRpcException e) {
            message = null;
            malformed = e;
        }
        ToolCallAudit audit = guard.startAudit(message, req::getHeader);
        McpMessage m = message;
        JsonRpcException bad = malformed;
        Context context = vertx.getOrCreateContext();
        onContext(guard.authenticate(req.getHeader(HttpHeaders.AUTHORIZATION)), context).onComplete(ar -> {
            if (ar.failed()) {
                refuse(ctx, m, audit, ar.cause());
                return;
            }
            VerifiedToken token = ar.result();
            if (audit != null) {
                audit.token(token);
            }
            if (bad != null) {
                json(ctx.response(), bad.error().httpStatus(), bad.error().toJson(bad.id()));
                return;
            }
            SessionOwners.Session session;
            try {
                String version = protocolVersion(req, m);
                McpHeaders.check(m, req::getHeader, version);
                String sessionId = req.getHeader(McpHeaders.SESSION_ID);
                session = sessionId == null ? null : sessions.use(sessionId, token);
            } catch (JsonRpcException e) {
                refuse(ctx, m, audit, Refusal.error(e.error()));
                return;
            } catch (Refusal r) {
                refuse(ctx, m, audit, r);
                return;
            }
            if (audit != null && session != null) {
                audit.protocolVersion(session.protocolVersion()).clientInfo(session.clientInfo());
            }
            if (audit == null) {
                forward(ctx, token, m, body, null);
                return;
            }
            onContext(guard.authorize(token, m.name(), m.arguments(), req.remoteAddress().host()), context)
                    .onComplete(v -> decided(ctx, token, m, body, audit, v.result()));
        });
    }

    private void decided(RoutingContext ctx, VerifiedToken token, McpMessage m, Buffer body, ToolCallAudit audit, Verdict v) {
        audit.decision(v.decision());
        switch (v.kind()) {
            case ALLOW -> forward(ctx, token, m, body, audit);
            case INSUFFICIENT_SCOPE -> {
                BearerChallenge c = BearerChallenge.insufficientScope(guard.metadata(), v.scopes(),
                        "tool " + m.name() + " requires scope " + String.join(" ", v.scopes()));
                guard.audit(audit.finish(ResponseOutcome.denied(403), ToolCallAuditRecord.DENIAL_SCOPE));
                challenge(ctx.response(), c);
            }
            case DENY -> {
                String text = v.decision().reasons().contains("decision service unavailable")
                        ? McpGuard.UNAVAILABLE_TEXT : McpGuard.DENIED_TEXT;
                guard.audit(audit.finish(ResponseOutcome.denied(200), ToolCallAuditRecord.DENIAL_TOOL_ERROR));
                json(ctx.response(), 200, ToolErrorResult.response(m.id(), text, protocolVersion(ctx.request(), m)));
            }
        }
    }

    /** GET (the server's event stream) and DELETE (end of session): authenticate, check the session, pass through. */
    private void passThrough(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        onContext(guard.authenticate(req.getHeader(HttpHeaders.AUTHORIZATION)), vertx.getOrCreateContext()).onComplete(ar -> {
            if (ar.failed()) {
                refuse(ctx, null, null, ar.cause());
                return;
            }
            String sessionId = req.getHeader(McpHeaders.SESSION_ID);
            try {
                if (sessionId != null) {
                    sessions.use(sessionId, ar.result());
                }
            } catch (Refusal r) {
                refuse(ctx, null, null, r);
                return;
            }
            forward(ctx, ar.result(), null, null, null);
        });
    }

    private void forward(RoutingContext ctx, VerifiedToken token, McpMessage message, Buffer body, ToolCallAudit audit) {
        HttpServerRequest req = ctx.request();
        HttpServerResponse out = ctx.response();
        RequestOptions options = new RequestOptions().setMethod(req.method()).setHost(upstreamHost).setPort(upstreamPort)
                .setURI(upstreamPath).setHeaders(upstreamHeaders(req));
        client.request(options)
                .compose(up -> {
                    out.closeHandler(v -> {
                        if (!out.ended()) {
                            // the client went away (typically an SSE stream): stop the upstream exchange as well
                            up.reset();
                        }
                    });
                    return body == null ? up.send() : up.send(body);
                })
                .onSuccess(up -> relay(req, out, up, token, message, audit))
                .onFailure(e -> {
                    LOG.warn("upstream {} unreachable: {}", settings.upstream, e.toString());
                    if (audit != null) {
                        guard.audit(audit.finish(ResponseOutcome.httpError(502), null));
                    }
                    json(out, 502, new JsonRpcError(502, -32603, "the MCP server behind the proxy is unreachable")
                            .toJson(message == null ? null : message.id()));
                });
    }

    private void relay(HttpServerRequest req, HttpServerResponse out, HttpClientResponse up, VerifiedToken token,
                       McpMessage message, ToolCallAudit audit) {
        if (out.ended() || out.closed()) {
            up.request().reset();
            return;
        }
        out.setStatusCode(up.statusCode());
        boolean hasLength = false;
        for (Map.Entry<String, String> h : up.headers()) {
            String name = h.getKey().toLowerCase(Locale.ROOT);
            if (name.equals("content-length")) {
                hasLength = true;
                out.headers().add(h.getKey(), h.getValue());
            } else if (!NOT_FORWARDED.contains(name)) {
                out.headers().add(h.getKey(), h.getValue());
            }
        }
        String contentType = up.getHeader(HttpHeaders.CONTENT_TYPE);
        // A JSON answer is one document that the client reads whole: it is gathered (up to a bound) and sent in one
        // write with its length, rather than re-chunked as it arrives (each piece a write to the socket). Event
        // streams, and answers beyond the bound, pass through as they come.
        Relay relay = new Relay(out, hasLength, !ResponseScanner.isEventStream(contentType));
        String sessionId = up.getHeader(McpHeaders.SESSION_ID);
        if (message != null && McpMessage.INITIALIZE.equals(message.method()) && sessionId != null && up.statusCode() < 300) {
            sessions.bind(sessionId, token, ToolCallAuditRecord.ClientInfo.of(message.clientInfo()),
                    message.params().path("protocolVersion").textValue());
        }
        if (req.method() == HttpMethod.DELETE && up.statusCode() < 300) {
            String ended = req.getHeader(McpHeaders.SESSION_ID);
            if (ended != null) {
                sessions.forget(ended);
            }
        }
        ResponseScanner scanner = audit == null ? null : new ResponseScanner(message.id(), contentType, SCAN_LIMIT);
        up.handler(chunk -> {
            if (scanner != null) {
                scanner.feed(chunk.getBytes());
            }
            relay.write(chunk);
            if (out.writeQueueFull()) {
                up.pause();
                out.drainHandler(v -> up.resume());
            }
        });
        up.exceptionHandler(e -> {
            if (audit != null && !audit.finished()) {
                guard.audit(audit.finish(ResponseOutcome.httpError(up.statusCode() < 400 ? 502 : up.statusCode()), null));
            }
            if (!out.ended()) {
                out.reset();
            }
        });
        up.endHandler(v -> {
            // Handed over before the last byte leaves: a client that has its answer can count on the record existing.
            if (audit != null && !audit.finished()) {
                guard.audit(audit.finish(outcome(scanner, up.statusCode()), null));
            }
            relay.end();
        });
    }

    /** The upstream's body on its way to the client: gathered while small and not an event stream, else streamed. */
    private static final class Relay {
        private final HttpServerResponse out;
        private final boolean hasLength;
        private Buffer gathered;

        Relay(HttpServerResponse out, boolean hasLength, boolean gather) {
            this.out = out;
            this.hasLength = hasLength;
            if (gather) {
                gathered = Buffer.buffer();
            } else if (!hasLength) {
                out.setChunked(true);
            }
        }

        void write(Buffer chunk) {
            if (gathered != null) {
                if (gathered.length() + chunk.length() <= GATHER_LIMIT) {
                    gathered.appendBuffer(chunk);
                    return;
                }
                if (!hasLength) {
                    out.setChunked(true);
                }
                out.write(gathered);
                gathered = null;
            }
            out.write(chunk);
        }

        void end() {
            if (gathered != null) {
                out.end(gathered);
            } else {
                out.end();
            }
        }
    }

    private static ResponseOutcome outcome(ResponseScanner scanner, int status) {
        JsonNode response = scanner.finish();
        if (response != null) {
            return ResponseOutcome.of(response, status);
        }
        if (status >= 400) {
            return ResponseOutcome.httpError(status);
        }
        // a 2xx without the response in it: too large to read (counted as a result), or really missing
        return scanner.overflowed() ? new ResponseOutcome(ResponseOutcome.OK, null, status) : ResponseOutcome.httpError(status);
    }

    private MultiMap upstreamHeaders(HttpServerRequest req) {
        MultiMap h = HttpHeaders.headers();
        for (Map.Entry<String, String> e : req.headers()) {
            if (!NOT_FORWARDED.contains(e.getKey().toLowerCase(Locale.ROOT))) {
                h.add(e.getKey(), e.getValue());
            }
        }
        settings.upstreamHeaders.forEach(h::set);
        String forwarded = req.getHeader("X-Forwarded-For");
        String peer = req.remoteAddress() == null ? null : req.remoteAddress().host();
        if (peer != null) {
            h.set("X-Forwarded-For", forwarded == null ? peer : forwarded + ", " + peer);
        }
        return h;
    }

    private void refuse(RoutingContext ctx, McpMessage message, ToolCallAudit audit, Throwable cause) {
        if (!(cause instanceof Refusal r)) {
            LOG.error("authorization failed unexpectedly", cause);
            if (audit != null) {
                guard.audit(audit.refusedBeforePolicy("internal error").finish(ResponseOutcome.denied(500), null));
            }
            json(ctx.response(), 500, new JsonRpcError(500, -32603, "internal error").toJson(message == null ? null : message.id()));
            return;
        }
        if (audit != null) {
            if (r.token() != null) {
                audit.token(r.token());
            }
            guard.audit(audit.refusedBeforePolicy(r.reason()).finish(ResponseOutcome.denied(r.status()), null));
        }
        if (r.challenge() != null) {
            challenge(ctx.response(), r.challenge());
        } else {
            HttpServerResponse resp = ctx.response();
            if (r.status() == 503) {
                resp.putHeader("Retry-After", "5");
            }
            json(resp, r.status(), r.error().toJson(message == null ? null : message.id()));
        }
    }

    private static void challenge(HttpServerResponse resp, BearerChallenge c) {
        resp.setStatusCode(c.status()).putHeader("WWW-Authenticate", c.headerValue())
                .putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store").end(c.body());
    }

    private static void json(HttpServerResponse resp, int status, JsonNode body) {
        if (resp.ended()) {
            return;
        }
        resp.setStatusCode(status).putHeader("Content-Type", "application/json").end(Json.write(body));
    }

    private static String protocolVersion(HttpServerRequest req, McpMessage m) {
        String header = req.getHeader(McpHeaders.PROTOCOL_VERSION);
        return header != null ? header : m == null ? null : m.metaProtocolVersion();
    }

    /**
     * A stage from the core as a Vert.x future on {@code context}: answered at once when already complete (the common
     * case: cached keys, remembered token), else completed back on the event loop.
     */
    static <T> Future<T> onContext(CompletionStage<T> stage, Context context) {
        var f = stage.toCompletableFuture();
        if (f.isDone()) {
            try {
                return Future.succeededFuture(f.join());
            } catch (java.util.concurrent.CompletionException e) {
                return Future.failedFuture(e.getCause() != null ? e.getCause() : e);
            } catch (java.util.concurrent.CancellationException e) {
                return Future.failedFuture(e);
            }
        }
        return Future.fromCompletionStage(stage, context).recover(e -> Future.failedFuture(
                e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e));
    }

    /** Closes the upstream connections. */
    public Future<Void> close() {
        return client.close();
    }

    static Map<String, String> headerMap(java.util.List<String> lines) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String l : lines) {
            int colon = l.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("header must look like 'Name: value': " + l);
            }
            m.put(l.substring(0, colon).trim(), l.substring(colon + 1).trim());
        }
        return m;
    }
}
