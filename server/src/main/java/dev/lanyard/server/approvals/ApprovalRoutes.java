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

/**
 * {@code /api/v1/approvals}: list and read approval requests; approve or deny a PENDING one. Approving needs the
 * {@code admin} role; the decision, who made it and the note are audited ({@code approval.approved} /
 * {@code approval.denied}).
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
        api.get("/approvals/:id").handler(ctx -> {
            String id = Ids.require("apr", ctx.pathParam("id"), "approval");
            Responses.reply(ctx, store.get(db.pool(), id, false).compose(a -> Responses.ok(ctx,
                    a.orElseThrow(() -> ApiException.notFound("approval " + id)))));
        });
        api.post("/approvals/:id/approve").handler(ctx -> decide(ctx, "APPROVED", "approval.approved"));
        api.post("/approvals/:id/deny").handler(ctx -> decide(ctx, "DENIED", "approval.denied"));
    }

    private void list(RoutingContext ctx) {
        Cursor cursor = Cursor.from(ctx, "status", "agent");
        String status = QueryParams.single(ctx, "status");
        if (status != null && !List.of("PENDING", "APPROVED", "DENIED", "EXPIRED").contains(status)) {
            throw ApiException.invalid("Query parameter 'status' must be one of PENDING, APPROVED, DENIED, EXPIRED");
        }
        ApprovalStore.Filter filter = new ApprovalStore.Filter(status, QueryParams.single(ctx, "agent"));
        Responses.reply(ctx, store.list(db.pool(), cursor, filter).compose(page -> {
            cursor.link(ctx, page, Approval::seq);
            return Responses.ok(ctx, page);
        }));
    }

    private void decide(RoutingContext ctx, String status, String event) {
        String id = Ids.require("apr", ctx.pathParam("id"), "approval");
        Buffer body = ctx.body().buffer();
        ApprovalDecision req = body == null || body.length() == 0 ? ApprovalDecision.NONE
                : Json.read(body, ApprovalDecision.class);
        Caller caller = Caller.of(ctx);
        Future<Approval> decided = db.inTransaction(tx -> store.get(tx, id, true).compose(found -> {
            Approval a = found.orElseThrow(() -> ApiException.notFound("approval " + id));
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
