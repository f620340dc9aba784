package dev.lanyard.server.approvals;

import dev.lanyard.server.audit.AuditLog;
import dev.lanyard.server.audit.AuditRecord;
import dev.lanyard.server.oauth.TokenDecision;
import dev.lanyard.server.oauth.TokenPolicy;
import dev.lanyard.server.oauth.TokenPolicyInput;
import dev.lanyard.server.store.Database;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Puts approvals around a token policy. The agent's APPROVED, unexpired approvals on the resource come in the
 * policy's input (the grants read them with the rest of their facts, {@code GrantFacts.context}); when the policy
 * denies with the obligation {@code approval.required}, a PENDING approval
 * request is opened (or the open one found) and the refusal names it, so the agent can say whom to ask. Once it is
 * approved the same token request passes, until the approval expires.
 */
public final class ApprovalGate implements TokenPolicy {
    private final Database db;
    private final ApprovalStore store;
    private final AuditLog audit;
    private final TokenPolicy policy;

    public ApprovalGate(Database db, ApprovalStore store, AuditLog audit, TokenPolicy policy) {
        this.db = db;
        this.store = store;
        this.audit = audit;
        this.policy = policy;
    }

    @Override
    public Future<TokenDecision> decide(TokenPolicyInput input) {
        return policy.decide(input).compose(decision -> {
            List<String> scopes = approvalScopes(decision, input);
            if (decision.allow() || scopes == null) {
                return Future.succeededFuture(decision);
            }
            return open(input, scopes, decision).map(a -> withApproval(decision, a));
        });
    }

    /** The scopes the policy wants approved, or null when the denial is not about an approval. */
    @SuppressWarnings("unchecked")
    private static List<String> approvalScopes(TokenDecision d, TokenPolicyInput input) {
        if (d.obligations() == null || !(d.obligations().get("approval") instanceof Map<?, ?> approval)
                || !Boolean.TRUE.equals(approval.get("required"))) {
            return null;
        }
        List<String> wanted = approval.get("scopes") instanceof List<?> l && !l.isEmpty()
                ? (List<String>) l.stream().map(String::valueOf).toList()
                : input.requestedScopes();
        return new ArrayList<>(new TreeSet<>(wanted));
    }

    private Future<Approval> open(TokenPolicyInput input, List<String> scopes, TokenDecision decision) {
        String agentId = input.agent().id();
        String resource = input.resource().uri();
        return db.inTransaction(tx -> store.pending(tx, agentId, resource, scopes).compose(existing -> {
            if (existing.isPresent()) {
                return Future.succeededFuture(existing.get());
            }
            return store.request(tx, agentId, resource, scopes, input.grant(), decision.reasons())
                    .compose(a -> audit.append(tx, new AuditRecord("approval.requested", "agent:" + agentId, agentId,
                            AuditRecord.SUCCESS, null, input.request() == null ? null : input.request().ip(),
                            AuditRecord.fields().put("approval", a.id()).put("resource", resource)
                                    .put("scopes", String.join(" ", scopes)).put("grant_type", input.grant())
                                    .put("decision_id", decision.decisionId())))
                            .map(a));
        }));
    }

    private static TokenDecision withApproval(TokenDecision d, Approval a) {
        Map<String, Object> obligations = new HashMap<>(d.obligations());
        obligations.put("approval_id", a.id());
        List<String> reasons = new ArrayList<>(d.reasons());
        reasons.add("Approval " + a.id() + " is pending for scope '" + String.join(" ", a.scopes())
                + "': an owner of the agent or an admin must approve it, then retry.");
        return new TokenDecision(false, List.of(), 0, reasons, obligations, d.oauthError(), d.decisionId());
    }
}
