package dev.lanyard.server.audit;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lanyard.server.http.Caller;

/**
 * An audit event about to be appended: what happened, to what, by whom. Details must never hold secrets.
 * {@code eventId} is null for a fresh id; a writer that must recognise its event later (a tool-call record an adapter
 * may send twice) chooses it, and the trail's unique event ids then refuse the second copy.
 * {@code canonicalDetails} is null until {@link #prepared()} writes it; otherwise the log writes it when it appends.
 */
public record AuditRecord(String type, String actor, String target, String outcome, String requestId, String clientIp,
                          ObjectNode details, String eventId, String canonicalDetails) {

    public AuditRecord(String type, String actor, String target, String outcome, String requestId, String clientIp,
                       ObjectNode details) {
        this(type, actor, target, outcome, requestId, clientIp, details, null, null);
    }

    public AuditRecord(String type, String actor, String target, String outcome, String requestId, String clientIp,
                       ObjectNode details, String eventId) {
        this(type, actor, target, outcome, requestId, clientIp, details, eventId, null);
    }

    /**
     * This record with its details' canonical text written now. For records that wait in a batch before they are
     * appended (decision log, tool-call ingest): written right after the details were built, while their nodes are
     * still in the processor's caches, the text costs a fraction of what it costs from a cold backlog (where walking
     * the trees was a tenth of the server's CPU on the Data API). The details must not change afterwards.
     */
    public AuditRecord prepared() {
        return canonicalDetails != null ? this : new AuditRecord(type, actor, target, outcome, requestId, clientIp,
                details, eventId, canonicalText());
    }

    /** The details' canonical text: as prepared, or written now (no details: an empty object). */
    String canonicalText() {
        return canonicalDetails != null ? canonicalDetails : AuditChain.canonicalDetails(details);
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
