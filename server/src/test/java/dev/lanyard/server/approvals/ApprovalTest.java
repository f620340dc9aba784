package dev.lanyard.server.approvals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanyard.server.Api;
import dev.lanyard.server.TestServer;
import dev.lanyard.server.oauth.OAuthFixtures;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The approval round trip through the real token endpoint, and the approvals API's refusals. */
class ApprovalTest {
    private static final Pattern APPROVAL = Pattern.compile("apr_[A-Za-z0-9]+");
    private final TestServer server = TestServer.shared();
    private final Api admin = server.admin();
    private final OAuthFixtures of = new OAuthFixtures(server);

    static String approvalId(Api.Resp refused) {
        Matcher m = APPROVAL.matcher(refused.body().path("error_description").asText());
        assertTrue(m.find(), refused.toString());
        return m.group();
    }

    @Test
    void aPendingApprovalOnceApprovedLetsTheSameRequestThrough() {
        var agent = of.activeAgent("autonomous", null);
        String etag = admin.get("/api/v1/ai-agents/" + agent.id()).header("ETag");
        assertEquals(200, admin.patch("/api/v1/ai-agents/" + agent.id(),
                Map.of("default_scopes", List.of("tickets.read", "tickets.write")), etag).status());
        var t = of.serverWithResource(agent.id(), "client_credentials", "ALL_SCOPES", List.of("*"),
                List.of("production-write"));
        Api.Resp first = of.clientCredentials(agent, t, "tickets.read");
        assertEquals(400, first.status(), first.toString());
        String id = approvalId(first);
        // retrying names the same pending request instead of opening another
        assertEquals(id, approvalId(of.clientCredentials(agent, t, "tickets.read")));

        JsonNode pending = admin.get("/api/v1/approvals?status=PENDING&agent=" + agent.id()).body();
        assertEquals(1, pending.size(), pending.toString());
        assertEquals(id, pending.get(0).path("id").asText());
        assertEquals(List.of("tickets.read"), List.of(pending.get(0).path("scopes").get(0).asText()));
        assertEquals(t.resource(), pending.get(0).path("resource").asText());

        Api.Resp approved = admin.post("/api/v1/approvals/" + id + "/approve", Map.of("ttl_seconds", 600,
                "note", "change window CHG-1"));
        assertEquals(200, approved.status(), approved.toString());
        assertEquals("APPROVED", approved.body().path("status").asText());
        assertEquals("admin_token", approved.body().path("decided_by").asText().split(":")[0]);

        Api.Resp granted = of.clientCredentials(agent, t, "tickets.read");
        assertEquals(200, granted.status(), granted.toString());
        assertEquals("tickets.read", granted.body().path("scope").asText());
        // the approval covers tickets.read, not tickets.write: a new request opens a new approval
        String other = approvalId(of.clientCredentials(agent, t, "tickets.write"));
        assertTrue(!other.equals(id));

        JsonNode audited = admin.get("/api/v1/audit/events?type=approval.requested,approval.approved&target="
                + agent.id()).body();
        assertEquals(3, audited.size(), audited.toString());
    }

    @Test
    void anApprovalPastItsTimeLimitNoLongerLetsTheRequestThrough() throws Exception {
        var agent = of.activeAgent("autonomous", null);
        var t = of.serverWithResource(agent.id(), "client_credentials", "ALL_SCOPES", List.of("*"),
                List.of("production-write"));
        String id = approvalId(of.clientCredentials(agent, t, "tickets.read"));
        assertEquals(200, admin.post("/api/v1/approvals/" + id + "/approve", Map.of("ttl_seconds", 60)).status());
        assertEquals(200, of.clientCredentials(agent, t, "tickets.read").status());
        // the time limit passes (moved rather than waited for)
        try (var c = server.jdbc(); var st = c.prepareStatement(
                "UPDATE approvals SET expires_at = now() - interval '1 second' WHERE id = ?")) {
            st.setString(1, id);
            assertEquals(1, st.executeUpdate());
        }
        Api.Resp after = of.clientCredentials(agent, t, "tickets.read");
        assertEquals(400, after.status(), after.toString());
        assertTrue(!approvalId(after).equals(id), "a lapsed approval opens a new request");
    }

    @Test
    void aDeniedApprovalKeepsTheRequestRefusedAndCannotBeDecidedTwice() {
        var agent = of.activeAgent("autonomous", null);
        var t = of.serverWithResource(agent.id(), "client_credentials", "ALL_SCOPES", List.of("*"),
                List.of("production-write"));
        String id = approvalId(of.clientCredentials(agent, t, "tickets.read"));
        Api.Resp denied = admin.post("/api/v1/approvals/" + id + "/deny", Map.of("note", "not today"));
        assertEquals(200, denied.status(), denied.toString());
        assertEquals("DENIED", denied.body().path("status").asText());
        assertEquals(409, admin.post("/api/v1/approvals/" + id + "/approve", null).status());
        assertEquals(409, admin.post("/api/v1/approvals/" + id + "/deny", null).status());
        Api.Resp again = of.clientCredentials(agent, t, "tickets.read");
        assertEquals(400, again.status());
        assertTrue(!approvalId(again).equals(id), "a new request is opened, the denied one stays denied");
    }

    @Test
    void theApiRefusesBadInput() {
        var agent = of.activeAgent("autonomous", null);
        var t = of.serverWithResource(agent.id(), "client_credentials", "ALL_SCOPES", List.of("*"),
                List.of("production-write"));
        String id = approvalId(of.clientCredentials(agent, t, "tickets.read"));
        assertEquals(400, admin.post("/api/v1/approvals/" + id + "/approve", Map.of("ttl_seconds", 5)).status());
        assertEquals(400, admin.post("/api/v1/approvals/" + id + "/approve", Map.of("ttl", 600)).status());
        assertEquals(400, admin.get("/api/v1/approvals?status=MAYBE").status());
        assertEquals(400, admin.get("/api/v1/approvals?colour=red").status());
        assertEquals(404, admin.post("/api/v1/approvals/apr_AAAAAAAAAAAAAAAAAAAA/approve", null).status());
        assertEquals(404, admin.get("/api/v1/approvals/nope").status());
        String auditor = admin.post("/api/v1/admin-tokens", Map.of("name", "aud", "role", "auditor")).body()
                .path("token").asText();
        assertEquals(200, admin.withToken(auditor).get("/api/v1/approvals/" + id).status());
        assertEquals(403, admin.withToken(auditor).post("/api/v1/approvals/" + id + "/approve", null).status());
        assertEquals("PENDING", admin.get("/api/v1/approvals/" + id).body().path("status").asText());
    }
}
