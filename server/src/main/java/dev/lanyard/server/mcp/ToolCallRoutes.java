package dev.lanyard.server.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lanyard.server.audit.AuditLog;
import dev.lanyard.server.audit.AuditRecord;
import dev.lanyard.server.http.ApiException;
import dev.lanyard.server.http.ApiRouter;
import dev.lanyard.server.http.Caller;
import dev.lanyard.server.http.ErrorCode;
import dev.lanyard.server.http.Json;
import dev.lanyard.server.http.Responses;
import dev.lanyard.server.policy.Redaction;
import dev.lanyard.server.store.Database;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code POST /api/v1/mcp/tool-calls}: MCP adapters deliver their tool-call records, in batches, into the audit trail
 * (type {@code mcp.tool_call}, target the agent). Each record carries an id chosen by the adapter; a record already
 * received is acknowledged as a duplicate and not stored again, so an adapter may resend its spool after an outage
 * without doubling anything. The whole batch is stored or nothing is.
 */
public final class ToolCallRoutes {
    static final int MAX_RECORDS = 500;
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.:-]{1,100}");
    private static final Set<String> OUTCOMES = Set.of("ok", "tool_error", "jsonrpc_error", "http_error", "denied");

    static final String EVENT_ID_PREFIX = "mcp:";
    /**
     * Record ids already in the trail. {@code mcp_tool_call_ids} holds the ids received before tool-call events took
     * their id from the record; it is read, never written.
     */
    private static final String RECEIVED = "SELECT substr(event_id, " + (EVENT_ID_PREFIX.length() + 1) + ") "
            + "FROM audit_events WHERE event_id = ANY($1::text[]) "
            + "UNION ALL SELECT id FROM mcp_tool_call_ids WHERE id = ANY($2::text[])";

    private final Database db;
    private final AuditLog audit;

    public ToolCallRoutes(Database db, AuditLog audit) {
        this.db = db;
        this.audit = audit;
    }

    public void mount(ApiRouter api) {
        api.post("/mcp/tool-calls").handler(this::ingest);
    }

    /**
     * Each record becomes the event {@code mcp:<record id>}. The chain's head is locked before the ids are looked up,
     * so a batch delivered twice at once (an adapter's retry overtaking its first attempt) is stored by one delivery
     * and acknowledged as duplicates by the other.
     */
    private void ingest(RoutingContext ctx) {
        JsonNode body = Json.read(ctx.body().buffer(), JsonNode.class);
        Map<String, ObjectNode> valid = validate(body);
        Caller caller = Caller.of(ctx);
        // the events are made (their canonical text written) before the round trips, while the trees are fresh
        Map<String, AuditRecord> records = new LinkedHashMap<>();
        valid.forEach((id, r) -> records.put(id, event(caller, id, r)));
        String[] ids = records.keySet().toArray(new String[0]);
        String[] eventIds = new String[ids.length];
        for (int i = 0; i < ids.length; i++) {
            eventIds[i] = EVENT_ID_PREFIX + ids[i];
        }
        Future<int[]> stored = db.inTransaction(tx -> tx.query(AuditLog.LOCK_CHAIN).execute()
                .compose(locked -> tx.preparedQuery(RECEIVED)
                        .execute(Tuple.tuple().addArrayOfString(eventIds).addArrayOfString(ids)))
                .compose(rows -> {
                    Set<String> received = new HashSet<>();
                    rows.forEach(r -> received.add(r.getString(0)));
                    List<AuditRecord> events = new ArrayList<>();
                    records.forEach((id, event) -> {
                        if (!received.contains(id)) {
                            events.add(event);
                        }
                    });
                    return audit.appendAll(tx, events).map(v -> new int[] {events.size(), ids.length - events.size()});
                }));
        Responses.reply(ctx, stored.compose(n -> Responses.ok(ctx, Map.of("accepted", n[0], "duplicates", n[1]))));
    }

    /** Records by id, in the order sent; every refusal names the record by its index. */
    private static Map<String, ObjectNode> validate(JsonNode body) {
        if (!body.isObject() || !body.path("records").isArray()) {
            throw ApiException.invalid("The body must be {\"records\": [ … ]}");
        }
        JsonNode list = body.get("records");
        if (list.isEmpty() || list.size() > MAX_RECORDS) {
            throw ApiException.invalid("'records' must hold 1 to " + MAX_RECORDS + " records");
        }
        Map<String, ObjectNode> out = new LinkedHashMap<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode r = list.get(i);
            String where = "records[" + i + "]";
            if (!r.isObject()) {
                throw ApiException.invalid(where + " must be an object");
            }
            String id = r.path("id").asText(null);
            if (!r.path("id").isTextual() || !ID.matcher(id).matches()) {
                throw ApiException.invalid(where + ".id must be 1-100 characters of letters, digits and _ . : -");
            }
            if (out.containsKey(id)) {
                throw new ApiException(ErrorCode.VALIDATION, where + ".id repeats an earlier record of this batch");
            }
            for (String field : List.of("time", "method")) {
                if (!r.path(field).isTextual()) {
                    throw ApiException.invalid(where + "." + field + " is required (a string)");
                }
            }
            if (!r.path("decision").isObject() || !r.path("decision").path("allow").isBoolean()) {
                throw ApiException.invalid(where + ".decision.allow is required (a boolean)");
            }
            String outcome = r.path("outcome").path("class").asText("");
            if (!OUTCOMES.contains(outcome)) {
                throw ApiException.invalid(where + ".outcome.class must be one of " + OUTCOMES);
            }
            if (r.has("arguments")) {
                throw ApiException.invalid(where + " must not carry tool arguments; send arguments_sha256");
            }
            out.put(id, (ObjectNode) Redaction.redact(r));
        }
        return out;
    }

    private static AuditRecord event(Caller caller, String id, ObjectNode r) {
        boolean allowed = r.path("decision").path("allow").booleanValue();
        String outcome = !allowed ? AuditRecord.DENY
                : "ok".equals(r.path("outcome").path("class").asText()) ? AuditRecord.SUCCESS : AuditRecord.FAILURE;
        String agent = r.path("agent_id").isTextual() ? r.get("agent_id").textValue() : null;
        // the event's request id is the delivery's; the call's own time and traceparent stay in the details
        return new AuditRecord("mcp.tool_call", caller.actor(), agent, outcome, caller.requestId(), caller.clientIp(), r,
                EVENT_ID_PREFIX + id).prepared();
    }
}
