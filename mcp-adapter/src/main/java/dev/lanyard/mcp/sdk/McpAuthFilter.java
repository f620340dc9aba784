package dev.lanyard.mcp.sdk;

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
import dev.lanyard.mcp.resource.BearerChallenge;
import dev.lanyard.mcp.token.VerifiedToken;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The servlet filter in front of the Java MCP SDK's transport servlet (map it on the MCP endpoint; it must be
 * async-supported like the servlet). Per request: bearer token (401 with the RFC 9728 challenge, 503 when the kill
 * switch cannot vouch), session owner (403), 2026-07-28 header mirroring (400 {@code -32020}), and for
 * {@code tools/call} the policy's verdict — a missing scope is answered here with 403 {@code insufficient_scope}
 * (the SDK cannot set a status or {@code WWW-Authenticate} from a tool handler), another refusal with a tool error
 * result, and an allowed call travels on to the guarded handler with its verdict in the transport context. Every tools/call is audited here, exactly once, with the outcome read from
 * the response the SDK writes.
 *
 * <p>Blocking is fine here: this runs on the container's request thread, and the SDK blocks it too.
 */
public final class McpAuthFilter implements Filter {
    private static final Logger LOG = LoggerFactory.getLogger(McpAuthFilter.class);
    private static final long WAIT_SECONDS = 15;
    private final McpGuard guard;
    private final SessionOwners sessions;
    private final int maxBodyBytes;

    public McpAuthFilter(McpGuard guard, SessionOwners sessions, int maxBodyBytes) {
        this.guard = guard;
        this.sessions = sessions;
        this.maxBodyBytes = maxBodyBytes;
    }

    public McpAuthFilter(McpGuard guard) {
        this(guard, new SessionOwners(), 1 << 20);
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest req = (HttpServletRequest) request;
        HttpServletResponse res = (HttpServletResponse) response;
        byte[] body = null;
        McpMessage message = null;
        JsonRpcException malformed = null;
        if ("POST".equals(req.getMethod())) {
            body = readBounded(req.getInputStream(), maxBodyBytes);
            if (body == null) {
                json(res, 413, new JsonRpcError(413, JsonRpcError.INVALID_REQUEST,
                        "request body exceeds " + maxBodyBytes + " bytes").toJson(null));
                return;
            }
            try {
                message = McpMessage.parse(body);
            } catch (JsonRpcException e) {
                malformed = e;
            }
        }
        ToolCallAudit audit = guard.startAudit(message, req::getHeader);
        VerifiedToken token;
        SessionOwners.Session session = null;
        try {
            token = await(guard.authenticate(req.getHeader("Authorization")));
            if (audit != null) {
                audit.token(token);
            }
            if (malformed != null) {
                json(res, malformed.error().httpStatus(), malformed.error().toJson(malformed.id()));
                return;
            }
            if (message != null) {
                try {
                    McpHeaders.check(message, req::getHeader, protocolVersion(req, message));
                } catch (JsonRpcException e) {
                    throw Refusal.error(e.error());
                }
            }
            String sessionId = req.getHeader(McpHeaders.SESSION_ID);
            if (sessionId != null) {
                session = sessions.use(sessionId, token);
            }
        } catch (Refusal r) {
            refuse(res, message, audit, r);
            return;
        }
        if (audit != null && session != null) {
            audit.protocolVersion(session.protocolVersion()).clientInfo(session.clientInfo());
        }
        HttpServletRequest forwarded = body == null ? req : new CachedBodyRequest(req, body);
        if (audit == null) {
            req.setAttribute(GuardContext.KEY, new GuardContext(token, req.getRemoteAddr(), null, null));
            ObservedResponse observed = new ObservedResponse(res, null);
            chain.doFilter(forwarded, observed);
            afterExchange(req, message, token, observed);
            return;
        }
        Verdict verdict;
        try {
            verdict = await(guard.authorize(token, message.name(), message.arguments(), req.getRemoteAddr()));
        } catch (Refusal r) {
            refuse(res, message, audit, r);
            return;
        }
        audit.decision(verdict.decision());
        if (verdict.kind() == Verdict.Kind.INSUFFICIENT_SCOPE) {
            guard.audit(audit.finish(ResponseOutcome.denied(403), ToolCallAuditRecord.DENIAL_SCOPE));
            challenge(res, BearerChallenge.insufficientScope(guard.metadata(), verdict.scopes(),
                    "tool " + message.name() + " requires scope " + String.join(" ", verdict.scopes())));
            return;
        }
        if (verdict.kind() == Verdict.Kind.DENY) {
            // answered here, as the proxy does: the same refusal whether or not the server has such a tool
            String text = verdict.decision().reasons().contains("decision service unavailable")
                    ? McpGuard.UNAVAILABLE_TEXT : McpGuard.DENIED_TEXT;
            guard.audit(audit.finish(ResponseOutcome.denied(200), ToolCallAuditRecord.DENIAL_TOOL_ERROR));
            json(res, 200, ToolErrorResult.response(message.id(), text, protocolVersion(req, message)));
            return;
        }
        // allowed: the SDK runs the tool (the guarded handler checks the verdict once more) and the outcome is read
        // from what it writes
        req.setAttribute(GuardContext.KEY, new GuardContext(token, req.getRemoteAddr(), message.name(), verdict));
        ObservedResponse observed = new ObservedResponse(res, message.id());
        McpMessage call = message;
        observed.onAnswer(() -> finishToolCall(audit, verdict, observed, call));
        chain.doFilter(forwarded, observed);
        if (req.isAsyncStarted() && observed.response() == null) {
            req.getAsyncContext().addListener(new AsyncListener() {
                @Override
                public void onComplete(AsyncEvent e) {
                    finishToolCall(audit, verdict, observed, call);
                }

                @Override
                public void onTimeout(AsyncEvent e) {
                    finishToolCall(audit, verdict, observed, call);
                }

                @Override
                public void onError(AsyncEvent e) {
                    finishToolCall(audit, verdict, observed, call);
                }

                @Override
                public void onStartAsync(AsyncEvent e) {
                    // nothing to do
                }
            });
        } else {
            finishToolCall(audit, verdict, observed, call);
        }
    }

    private void finishToolCall(ToolCallAudit audit, Verdict verdict, ObservedResponse observed, McpMessage message) {
        synchronized (audit) {
            if (audit.finished()) {
                return;
            }
            int status = observed.getStatus();
            JsonNode answer = observed.response();
            ResponseOutcome outcome;
            if (answer != null) {
                outcome = ResponseOutcome.of(answer, status);
            } else if (status >= 400 || !observed.overflowed()) {
                outcome = ResponseOutcome.httpError(status);
            } else {
                outcome = new ResponseOutcome(ResponseOutcome.OK, null, status);
            }
            guard.audit(audit.finish(outcome, null));
        }
    }

    /** Sessions: bind the one initialize created; forget the one DELETE ended. */
    private void afterExchange(HttpServletRequest req, McpMessage message, VerifiedToken token, ObservedResponse observed) {
        int status = observed.getStatus();
        if (message != null && McpMessage.INITIALIZE.equals(message.method()) && observed.sessionId() != null && status < 300) {
            sessions.bind(observed.sessionId(), token, ToolCallAuditRecord.ClientInfo.of(message.clientInfo()),
                    message.params().path("protocolVersion").textValue());
        } else if ("DELETE".equals(req.getMethod()) && status < 300 && req.getHeader(McpHeaders.SESSION_ID) != null) {
            sessions.forget(req.getHeader(McpHeaders.SESSION_ID));
        }
    }

    private void refuse(HttpServletResponse res, McpMessage message, ToolCallAudit audit, Refusal r) throws IOException {
        if (audit != null) {
            if (r.token() != null) {
                audit.token(r.token());
            }
            guard.audit(audit.refusedBeforePolicy(r.reason()).finish(ResponseOutcome.denied(r.status()), null));
        }
        if (r.challenge() != null) {
            challenge(res, r.challenge());
        } else {
            if (r.status() == 503) {
                res.setHeader("Retry-After", "5");
            }
            json(res, r.status(), r.error().toJson(message == null ? null : message.id()));
        }
    }

    private static <T> T await(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Refusal r) {
                throw r;
            }
            LOG.error("authorization failed unexpectedly", e.getCause());
            throw Refusal.error(JsonRpcError.unavailable(McpGuard.UNAVAILABLE_TEXT));
        } catch (TimeoutException e) {
            throw Refusal.error(JsonRpcError.unavailable(McpGuard.UNAVAILABLE_TEXT + " (timed out)"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Refusal.error(JsonRpcError.unavailable(McpGuard.UNAVAILABLE_TEXT));
        }
    }

    private static String protocolVersion(HttpServletRequest req, McpMessage m) {
        String h = req.getHeader(McpHeaders.PROTOCOL_VERSION);
        return h != null ? h : m.metaProtocolVersion();
    }

    /** The body, or null when it is larger than {@code max}. */
    private static byte[] readBounded(InputStream in, int max) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) > 0) {
            if (out.size() + n > max) {
                return null;
            }
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    private static void challenge(HttpServletResponse res, BearerChallenge c) throws IOException {
        res.setStatus(c.status());
        res.setHeader("WWW-Authenticate", c.headerValue());
        res.setHeader("Cache-Control", "no-store");
        res.setContentType("application/json");
        res.getOutputStream().write(c.body().getBytes(StandardCharsets.UTF_8));
    }

    private static void json(HttpServletResponse res, int status, JsonNode body) throws IOException {
        res.setStatus(status);
        res.setContentType("application/json");
        res.getOutputStream().write(Json.bytes(body));
    }
}
