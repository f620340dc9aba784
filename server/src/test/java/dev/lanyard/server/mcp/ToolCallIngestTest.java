package dev.lanyard.server.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanyard.server.Api;
import dev.lanyard.server.TestServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** MCP adapters' tool-call records: stored once each, in order, in the audit trail; bad batches change nothing. */
class ToolCallIngestTest {
    private final TestServer server = TestServer.shared();
    private final Api admin = server.admin();

    static Map<String, Object> record(String id, String agent, boolean allow) {
        return Api.map("id", id, "time", "2026-11-23T10:00:00Z", "resource", "https://tools.example/mcp",
                "method", "tools/call", "tool", "create_ticket", "jsonrpc_id", "7",
                "arguments_sha256", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                "token", Api.map("jti", "atj_1", "iss", "https://as", "sub", agent, "client_id", agent,
                        "scope", "tickets:write", "aud", "https://tools.example/mcp", "act", null),
                "agent_id", agent,
                "decision", Api.map("allow", allow, "reasons", List.of(), "decision_id", "dec_1",
                        "policy_revision", "abc"),
                "outcome", Api.map("class", allow ? "ok" : "denied", "code", null, "http_status", 200),
                "denial", allow ? null : "tool_error", "latency_ms", 3, "traceparent", null,
                "protocol_version", "2025-11-25", "client_info", Api.map("name", "agent-x", "version", "1"),
                "session_id", null);
    }

    private Api adapter() {
        Api.Resp t = admin.post("/api/v1/admin-tokens", Map.of("name", "adapter", "role", "adapter"));
        assertEquals(201, t.status(), t.toString());
        return admin.withToken(t.body().path("token").asText());
    }

    @Test
    void recordsAreStoredOnceEvenWhenResent() {
        Api adapter = adapter();
        String agent = "agt_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
        List<Object> batch = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            batch.add(record(UUID.randomUUID().toString(), agent, i != 1));
        }
        Api.Resp first = adapter.post("/api/v1/mcp/tool-calls", Map.of("records", batch));
        assertEquals(200, first.status(), first.toString());
        assertEquals(3, first.body().path("accepted").asInt());
        List<Object> resend = new ArrayList<>(batch);
        resend.add(record(UUID.randomUUID().toString(), agent, true));
        Api.Resp second = adapter.post("/api/v1/mcp/tool-calls", Map.of("records", resend));
        assertEquals(200, second.status(), second.toString());
        assertEquals(1, second.body().path("accepted").asInt());
        assertEquals(3, second.body().path("duplicates").asInt());

        JsonNode events = admin.get("/api/v1/audit/events?type=mcp.tool_call&target=" + agent).body();
        assertEquals(4, events.size(), events.toString());
        assertEquals("SUCCESS", events.get(0).path("outcome").asText());
        assertEquals("DENY", events.get(1).path("outcome").asText());
        assertEquals("create_ticket", events.get(0).path("details").path("tool").asText());
        assertEquals("mcp:" + ((Map<?, ?>) batch.get(0)).get("id"), events.get(0).path("event_id").asText());
        assertTrue(admin.get("/api/v1/audit/verify").body().path("valid").asBoolean());
    }

    /**
     * A lone surrogate (JSON can escape one; UTF-8 cannot carry it) once made the chain's hash fail, and a NUL in an
     * agent id made PostgreSQL refuse the row: a 500 for the whole batch, which the adapter would resend for ever.
     */
    @Test
    void recordsWithALoneSurrogateOrANulAreStored() throws Exception {
        Api adapter = adapter();
        String agent = "agt_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
        Map<String, Object> r = new LinkedHashMap<>(record(UUID.randomUUID().toString(), agent, true));
        r.put("tool", "create@HIGH@ticket");
        r.put("client_info", Api.map("name", "agent@LOW@", "version", "1"));
        String oddAgent = agent + "-odd";
        Map<String, Object> odd = new LinkedHashMap<>(record(UUID.randomUUID().toString(), oddAgent + "@NUL@", true));
        // written as escapes by hand: a JSON library or UTF-8 encoder on the way would replace the lone halves
        String body = Api.JSON.writeValueAsString(Map.of("records", List.of(r, odd))).replace("@HIGH@", "\\ud800").replace("@LOW@", "\\udc00")
                .replace("@NUL@", "\\u0000");
        String tool = "create" + (char) 0xD800 + "ticket";
        Api.Resp sent = adapter.post("/api/v1/mcp/tool-calls", body);
        assertEquals(200, sent.status(), sent.toString());
        assertEquals(2, sent.body().path("accepted").asInt());
        JsonNode events = admin.get("/api/v1/audit/events?type=mcp.tool_call&target=" + agent).body();
        assertEquals(1, events.size(), events.toString());
        assertEquals(tool, events.get(0).path("details").path("tool").asText());
        assertEquals("agent" + (char) 0xDC00, events.get(0).path("details").path("client_info").path("name").asText());
        // PostgreSQL cannot store a NUL in a text column: the event's target gets U+FFFD, the details keep the NUL
        JsonNode oddEvents = admin.get("/api/v1/audit/events?type=mcp.tool_call&target="
                + URLEncoder.encode(oddAgent + (char) 0xFFFD, StandardCharsets.UTF_8)).body();
        assertEquals(1, oddEvents.size(), oddEvents.toString());
        assertEquals(oddAgent + (char) 0, oddEvents.get(0).path("details").path("agent_id").asText());
        assertTrue(admin.get("/api/v1/audit/verify").body().path("valid").asBoolean());
    }

    @Test
    void aBatchDeliveredTwiceAtOnceIsStoredOnce() throws Exception {
        Api adapter = adapter();
        String agent = "agt_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
        for (int round = 0; round < 5; round++) {
            List<Object> batch = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                batch.add(record(UUID.randomUUID().toString(), agent, true));
            }
            var pool = java.util.concurrent.Executors.newFixedThreadPool(3);
            try {
                List<java.util.concurrent.Future<Api.Resp>> sent = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    sent.add(pool.submit(() -> adapter.post("/api/v1/mcp/tool-calls", Map.of("records", batch))));
                }
                int accepted = 0;
                for (var f : sent) {
                    Api.Resp r = f.get();
                    assertEquals(200, r.status(), r.toString());
                    accepted += r.body().path("accepted").asInt();
                    assertEquals(20, r.body().path("accepted").asInt() + r.body().path("duplicates").asInt());
                }
                assertEquals(20, accepted, "exactly one delivery stores each record");
            } finally {
                pool.shutdown();
            }
        }
        assertEquals(100, server.count("audit_events", "type = 'mcp.tool_call' AND target = '" + agent + "'"));
    }

    @Test
    void recordsReceivedBeforeEventsWereNamedByRecordIdAreStillDuplicates() throws Exception {
        Api adapter = adapter();
        String id = UUID.randomUUID().toString();
        try (var c = server.jdbc()) {
            c.createStatement().executeUpdate("INSERT INTO mcp_tool_call_ids (id) VALUES ('" + id + "')");
        }
        Api.Resp r = adapter.post("/api/v1/mcp/tool-calls", Map.of("records", List.of(record(id, "agt_legacy", true))));
        assertEquals(200, r.status(), r.toString());
        assertEquals(0, r.body().path("accepted").asInt());
        assertEquals(1, r.body().path("duplicates").asInt());
    }

    @Test
    void badBatchesAreRefusedWholeAndChangeNothing() {
        Api adapter = adapter();
        long before = server.count("audit_events", "type = 'mcp.tool_call'");
        String agent = "agt_bad";
        Map<String, Object> withArgs = new LinkedHashMap<>(record(UUID.randomUUID().toString(), agent, true));
        withArgs.put("arguments", Map.of("title", "secret stuff"));
        Map<String, Object> noDecision = new LinkedHashMap<>(record(UUID.randomUUID().toString(), agent, true));
        noDecision.remove("decision");
        String dup = UUID.randomUUID().toString();
        List<Object> bad = List.of(
                Map.of(),
                Map.of("records", List.of()),
                Map.of("records", List.of("x")),
                Map.of("records", List.of(record("has spaces", agent, true))),
                Map.of("records", List.of(record(UUID.randomUUID().toString(), agent, true), withArgs)),
                Map.of("records", List.of(noDecision)),
                Map.of("records", List.of(record(dup, agent, true), record(dup, agent, true))));
        for (Object body : bad) {
            Api.Resp r = adapter.post("/api/v1/mcp/tool-calls", body);
            assertEquals(400, r.status(), body + " -> " + r);
            assertFalse(r.body().path("errorSummary").asText().isEmpty());
        }
        List<Object> tooMany = new ArrayList<>();
        for (int i = 0; i < ToolCallRoutes.MAX_RECORDS + 1; i++) {
            tooMany.add(record("r" + i + "-" + UUID.randomUUID(), agent, true));
        }
        assertEquals(400, adapter.post("/api/v1/mcp/tool-calls", Map.of("records", tooMany)).status());
        assertEquals(before, server.count("audit_events", "type = 'mcp.tool_call'"));
        assertEquals(401, server.anonymous().post("/api/v1/mcp/tool-calls", Map.of("records", List.of())).status());
        String auditor = admin.post("/api/v1/admin-tokens", Map.of("name", "aud", "role", "auditor")).body()
                .path("token").asText();
        assertEquals(403, admin.withToken(auditor).post("/api/v1/mcp/tool-calls",
                Map.of("records", List.of(record(UUID.randomUUID().toString(), agent, true)))).status());
    }

    @Test
    void anAdapterTokenReadsTheRevocationFeedButNothingElse() throws Exception {
        Api.Resp t = admin.post("/api/v1/admin-tokens", Map.of("name", "adapter", "role", "adapter"));
        String token = t.body().path("token").asText();
        try (var feed = new dev.lanyard.server.SseClient(server.baseUrl() + "/api/v1/revocations/stream", token, Map.of())) {
            assertEquals(200, feed.status());
        }
        Api adapter = admin.withToken(token);
        assertEquals(403, adapter.get("/api/v1/ai-agents").status());
        assertEquals(403, adapter.get("/api/v1/audit/stream").status());
        assertEquals(403, adapter.post("/api/v1/admin-tokens", Map.of("name", "x", "role", "admin")).status());
    }
}
