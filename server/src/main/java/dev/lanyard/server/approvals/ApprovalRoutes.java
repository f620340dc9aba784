package dev.lanyard.server.approvals;

import dev.lanyard.server.audit.AuditLog;
import dev.lanyard.server.audit.AuditRecord;
import dev.lanyard.server.http.ApiException;
import dev.lanyard.server.http.ApiRouter;
import dev.lanyard.server.http.Caller;
import dev.lanyard.server.http.Cursor;
import dev.lanyard.server.http.ErrorCode;
import dev.lanyard.server.http.Ids;
import dev.lanyard.server.http.Json;
import dev.lanyard.server.http.QueryParams;
import dev.lanyard.server.http.Responses;
import dev.lanyard.server.store.Database;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * {@code /api/v1/approvals}: list and read approval requests; approve or deny a PENDING one. Callers are admin tokens
 * (deciding needs the {@code admin} role) or, through {@link ApprovalsAuthHandler}, people signed in with the console
 * client: a person sees only the requests of agents they own (any other is a 404, as if it did not exist) and may
 * decide only those (403). The decision, who made it ({@code admin_token:…} or {@code user:…}) and the note are
 * audited ({@code approval.approved} / {@code approval.denied}).
 */
public final class ApprovalRoutes {
    private final Database db;
    private final ApprovalStore store;
    private final AuditLog audit;

    public ApprovalRoutes(Database db, ApprovalStore store, AuditLog audit) {
        this.db = db;
        this.store = store;
        this.audit = audit;
    }

    public void mount(ApiRouter api) {
        api.get("/approvals").handler(this::list);
        api.get("/approvals/:id").handler(this::read);
        api.post("/approvals/:id/approve").handler(ctx -> decide(ctx, "APPROVED", "approval.approved"));
        api.post("/approvals/:id/deny").handler(ctx -> decide(ctx, "DENIED", "approval.denied"));
    }

    private void read(RoutingContext ctx) {
        String id = Ids.require("apr", ctx.pathParam("id"), "approval");
        String owner = owner(ctx);
        // another owner's request is a 404, not a 403: a person learns nothing about agents they do not own
        Future<Optional<Approval>> visible = store.get(db.pool(), id, false).compose(found ->
                found.isEmpty() || owner == null ? Future.succeededFuture(found)
                        : store.ownedBy(db.pool(), found.get().agentId(), owner).map(owns -> found.filter(a -> owns)));
        Responses.reply(ctx, visible.compose(a -> Responses.ok(ctx,
                a.orElseThrow(() -> ApiException.notFound("approval " + id)))));
    }

    private void list(RoutingContext ctx) {
        Cursor cursor = Cursor.from(ctx, "status", "agent");
        String status = QueryParams.single(ctx, "status");
        if (status != null && !List.of("PENDING", "APPROVED", "DENIED", "EXPIRED").contains(status)) {
            throw ApiException.invalid("Query parameter 'status' must be one of PENDING, APPROVED, DENIED, EXPIRED");
        }
        ApprovalStore.Filter filter = new ApprovalStore.Filter(status, QueryParams.single(ctx, "agent"), owner(ctx));
        Responses.reply(ctx, store.list(db.pool(), cursor, filter).compose(page -> {
            cursor.link(ctx, page, Approval::seq);
            return Responses.ok(ctx, page);
        }));
    }

    /** The signed-in user whose agents bound what the request may see and decide; null for an admin token. */
    private static String owner(RoutingContext ctx) {
        return Caller.of(ctx).principal() instanceof UserPrincipal user ? user.userId() : null;
    }

    private void decide(RoutingContext ctx, String status, String event) {
        String id = Ids.require("apr", ctx.pathParam("id"), "approval");
        Buffer body = ctx.body().buffer();
        ApprovalDecision req = body == null || body.length() == 0 ? ApprovalDecision.NONE
                : Json.read(body, ApprovalDecision.class);
        Caller caller = Caller.of(ctx);
        String owner = owner(ctx);
        Future<Approval> decided = db.inTransaction(tx -> store.get(tx, id, true).compose(found -> {
            Approval a = found.orElseThrow(() -> ApiException.notFound("approval " + id));
            return owner == null ? Future.succeededFuture(a) : store.ownedBy(tx, a.agentId(), owner).map(owns -> {
                if (!owns) {
                    throw new ApiException(ErrorCode.FORBIDDEN,
                            "Only an owner of the agent or an admin may decide approval " + id);
                }
                return a;
            });
        }).compose(a -> {
            if (!"PENDING".equals(a.status())) {
                throw new ApiException(ErrorCode.CONFLICT, "Approval " + id + " is " + a.status()
                        + "; only a PENDING request can be approved or denied");
            }
            if (!a.requestExpiresAt().isAfter(Instant.now())) {
                throw new ApiException(ErrorCode.CONFLICT, "Approval " + id
                        + " lapsed without a decision; the agent's next token request opens a new one");
            }
            Instant expires = "APPROVED".equals(status) ? Instant.now().plusSeconds(req.ttl()) : null;
            return store.decide(tx, id, status, caller.actor(), req.note(), expires);
        }).compose(a -> audit.append(tx, AuditRecord.success(caller, event, a.agentId(), AuditRecord.fields()
                .put("approval", a.id()).put("resource", a.resource()).put("scopes", String.join(" ", a.scopes()))
                .put("expires_at", a.expiresAt() == null ? null : a.expiresAt().toString())
                .put("note", a.note()))).map(a)));
        Responses.reply(ctx, decided.compose(a -> Responses.ok(ctx, a)));
    }
}
