package dev.lanyard.server.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lanyard.server.audit.AuditLog;
import dev.lanyard.server.audit.AuditRecord;
import dev.lanyard.server.http.ApiException;
import dev.lanyard.server.http.Caller;
import dev.lanyard.server.http.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticates admin API requests by bearer token and enforces roles: reads need any role, everything else needs
 * {@code admin}. Every failed authentication is audited. Successful look-ups are cached for a few seconds (keyed by
 * the token's hash, never the token) because every admin request would otherwise pay a database round trip;
 * deleting a token evicts it here at once, and other instances see the deletion within {@link #CACHE_MILLIS}.
 */
public final class AdminAuthHandler implements Handler<RoutingContext> {
    private static final Logger LOG = LoggerFactory.getLogger(AdminAuthHandler.class);
    static final long CACHE_MILLIS = 5_000;
    /** Everything an MCP adapter's token may reach under /api/v1 (the Data API authenticates on its own). */
    private static final java.util.Set<String> ADAPTER_ENDPOINTS = java.util.Set.of(
            "GET /api/v1/revocations/stream", "POST /api/v1/mcp/tool-calls");

    private final Supplier<Pool> pool;
    private final AdminTokenStore tokens;
    private final AuditLog audit;
    private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();

    private record Cached(AdminPrincipal principal, long until) {}

    public AdminAuthHandler(Supplier<Pool> pool, AdminTokenStore tokens, AuditLog audit) {
        this.pool = pool;
        this.tokens = tokens;
        this.audit = audit;
    }

    @Override
    public void handle(RoutingContext ctx) {
        String header = ctx.request().getHeader("Authorization");
        if (header == null || header.isBlank()) {
            refuse(ctx, "missing_token");
            return;
        }
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() <= 7) {
            refuse(ctx, "not_a_bearer_token");
            return;
        }
        String secret = header.substring(7).trim();
        principal(secret).onComplete(ar -> {
            if (ar.failed()) {
                ctx.fail(ar.cause());
            } else if (ar.result().isEmpty()) {
                refuse(ctx, "invalid_token");
            } else {
                authorize(ctx, ar.result().get());
            }
        });
    }

    /** The admin token's principal, if the secret is a usable admin token (cached like every admin request). */
    public Future<java.util.Optional<AdminPrincipal>> principal(String secret) {
        String hash = AdminTokenSecret.hash(secret);
        Cached cached = cache.get(hash);
        if (cached != null && cached.until > System.currentTimeMillis()) {
            return Future.succeededFuture(java.util.Optional.of(cached.principal));
        }
        return tokens.authenticate(pool.get(), secret).map(found -> {
            if (found.isEmpty()) {
                cache.remove(hash);
            } else {
                cache.put(hash, new Cached(found.get(), System.currentTimeMillis() + CACHE_MILLIS));
            }
            return found;
        });
    }

    /** Forget a deleted token at once on this instance. */
    public void evict(String tokenId) {
        cache.values().removeIf(c -> c.principal.tokenId().equals(tokenId));
    }

    private void authorize(RoutingContext ctx, AdminPrincipal principal) {
        Caller.authenticate(ctx, principal);
        HttpMethod m = ctx.request().method();
        if (principal.role() == Role.ADAPTER) {
            if (!ADAPTER_ENDPOINTS.contains(m.name() + " " + ctx.request().path())) {
                ctx.fail(new ApiException(ErrorCode.FORBIDDEN,
                        "The 'adapter' role may only read the revocation feed and send tool-call records"));
                return;
            }
            ctx.next();
            return;
        }
        boolean read = m == HttpMethod.GET || m == HttpMethod.HEAD || m == HttpMethod.OPTIONS;
        if (!read && !principal.role().mayWrite()) {
            ctx.fail(new ApiException(ErrorCode.FORBIDDEN,
                    "The '" + principal.role().wire() + "' role may only read; this action needs the 'admin' role"));
            return;
        }
        ctx.next();
    }

    private void refuse(RoutingContext ctx, String reason) {
        refuse(ctx, reason, reason.equals("missing_token")
                ? "Authentication required: send Authorization: Bearer <admin token>"
                : "Invalid or expired admin token");
    }

    /**
     * A 401 in the admin API's error format, after an {@code admin.auth_failed} audit event naming {@code reason}
     * (never the credential); for endpoints that accept other bearer tokens besides admin tokens.
     */
    public void refuse(RoutingContext ctx, String reason, String summary) {
        Caller caller = Caller.of(ctx);
        ObjectNode details = AuditRecord.fields()
                .put("reason", reason)
                .put("method", ctx.request().method().name())
                .put("path", ctx.request().path());
        Future<?> written = audit.appendAlone(pool.get(),
                AuditRecord.of(caller, "admin.auth_failed", null, AuditRecord.FAILURE, details));
        written.onComplete(ar -> {
            if (ar.failed()) {
                LOG.error("could not audit a failed admin authentication (request {})", caller.requestId(), ar.cause());
            }
            ctx.fail(new ApiException(ErrorCode.UNAUTHORIZED, summary));
        });
    }

}
