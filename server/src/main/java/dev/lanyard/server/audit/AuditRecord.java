package dev.lanyard.server.audit;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lanyard.server.http.Caller;

/**
 * An audit event about to be appended: what happened, to what, by whom. Details must never hold secrets.
 * {@code eventId} is null for a fresh id; a writer that must recognise its event later (a tool-call record an adapter
 * may send twice) chooses it, and the trail's unique event ids then refuse the second copy.
 */
public record AuditRecord(String type, String actor, String target, String outcome, String requestId, String clientIp,
                          ObjectNode details, String eventId) {

    public AuditRecord(String type, String actor, String target, String outcome, String requestId, String clientIp,
                       ObjectNode details) {
        this(type, actor, target, outcome, requestId, clientIp, details, null);
    }

    public static final String SUCCESS = "SUCCESS";
    public static final String FAILURE = "FAILURE";
    public static final String DENY = "DENY";

    public static AuditRecord success(Caller caller, String type, String target, ObjectNode details) {
        return new AuditRecord(type, caller.actor(), target, SUCCESS, caller.requestId(), caller.clientIp(), details);
    }

    public static AuditRecord of(Caller caller, String type, String target, String outcome, ObjectNode details) {
        return new AuditRecord(type, caller.actor(), target, outcome, caller.requestId(), caller.clientIp(), details);
    }

    public static ObjectNode fields() {
        return JsonNodeFactory.instance.objectNode();
    }
}
