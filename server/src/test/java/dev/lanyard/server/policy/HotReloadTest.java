package dev.lanyard.server.policy;

import dev.lanyard.server.TestDirs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lanyard.policies.PolicySet;
import dev.lanyard.server.Api;
import dev.lanyard.server.Eventually;
import dev.lanyard.server.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;

/**
 * A server serving a policy directory: an edit is picked up without a restart; a change that does not compile or
 * whose tests fail is refused — the previous revision keeps answering — and the refusal is audited with its location.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HotReloadTest {
    private static final String MCP = "/v1/data/lanyard/mcp/decision";
    private Path policyDir;
    private TestServer server;
    private Api admin;

    @BeforeAll
    void start() throws Exception {
        policyDir = TestDirs.create("lanyard-policy-");
        PolicySet.copyBundledDefaultTo(policyDir);
        server = TestServer.start(TestDirs.create("lanyard-reload-"), TestServer.freePort(),
                Map.of("LANYARD_POLICY_DIR", policyDir.toString()));
        admin = server.admin();
    }

    @AfterAll
    void stop() {
        server.close();
    }

    private boolean hotToolAllowed() {
        Api.Resp r = admin.post(MCP, Map.of("input", DataApiTest.mcpInput("hot_tool", "tickets:read")));
        assertEquals(200, r.status(), r.toString());
        return r.body().path("result").path("allow").asBoolean();
    }

    private String revision() {
        return admin.get("/api/v1/policies").body().path("active").path("revision").asText();
    }

    private Path dataJson() throws Exception {
        try (var files = Files.walk(policyDir)) {
            return files.filter(p -> p.getFileName().toString().equals("data.json")).findFirst().orElseThrow();
        }
    }

    @Test
    @Order(1)
    void theActiveRevisionIsShown() {
        Api.Resp r = admin.get("/api/v1/policies");
        assertEquals(200, r.status(), r.toString());
        JsonNode active = r.body().path("active");
        assertEquals(64, active.path("revision").asText().length(), r.toString());
        assertEquals(policyDir.toAbsolutePath().normalize().toString(), active.path("source").asText());
        assertTrue(active.path("files").size() >= 3, r.toString());
        assertTrue(active.path("files").get(0).has("sha256"));
        assertTrue(active.path("tests").path("passed").asInt() > 0);
        assertTrue(active.has("loaded_at"));
        assertFalse(r.body().has("last_rejection"));
        assertEquals(403, admin.withToken(auditor()).post("/api/v1/policies/reload", null).status());
    }

    private String auditor() {
        return admin.post("/api/v1/admin-tokens", Map.of("name", "aud", "role", "auditor")).body().path("token").asText();
    }

    @Test
    @Order(2)
    void anEditIsServedWithoutARestart() throws Exception {
        assertFalse(hotToolAllowed());
        Path data = dataJson();
        // several edits, alternating the tool's mapping, so the time from save to new behaviour is seen more than once
        for (int i = 0; i < 6; i++) {
            boolean allow = i % 2 == 0;
            String before = revision();
            ObjectNode doc = (ObjectNode) Api.JSON.readTree(Files.readString(data));
            ObjectNode scopes = (ObjectNode) doc.path("mcp").path("tool_scopes");
            if (allow) {
                scopes.putArray("hot_tool").add("tickets:read");
            } else {
                scopes.remove("hot_tool");
            }
            long start = System.nanoTime();
            Files.writeString(data, Api.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(doc));
            Eventually.until(this::hotToolAllowed, allowed -> allowed == allow, "edit " + i + " to be served");
            System.out.printf("hot reload %d: edit to new behaviour in %d ms%n", i,
                    (System.nanoTime() - start) / 1_000_000);
            String after = revision();
            assertNotEquals(before, after);
            JsonNode activated = admin.get("/api/v1/audit/events?type=policy.activated&target=" + after).body();
            assertTrue(activated.size() >= 1, activated.toString());
            assertEquals(before, activated.get(activated.size() - 1).path("details").path("previous_revision").asText());
        }
        assertFalse(hotToolAllowed());
        scopesWithHotTool(data);
    }

    /** Leaves the tool mapped, for the next tests. */
    private void scopesWithHotTool(Path data) throws Exception {
        ObjectNode doc = (ObjectNode) Api.JSON.readTree(Files.readString(data));
        ((ObjectNode) doc.path("mcp").path("tool_scopes")).putArray("hot_tool").add("tickets:read");
        Files.writeString(data, Api.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(doc));
        Eventually.until(this::hotToolAllowed, allowed -> allowed, "the tool to be mapped again");
    }

    @Test
    @Order(3)
    void aFileThatDoesNotCompileIsRefusedAndTheOldRevisionKeepsServing() throws Exception {
        String before = revision();
        long rejected = server.count("audit_events", "type = 'policy.rejected'");
        Files.writeString(policyDir.resolve("broken.rego"), "package lanyard.broken\n\nallow if {\n  input.x ==\n}\n");
        Eventually.until(() -> server.count("audit_events", "type = 'policy.rejected'"), n -> n > rejected,
                "the broken file to be refused");
        assertEquals(before, revision());
        assertTrue(hotToolAllowed(), "the previous revision still answers");
        JsonNode view = admin.get("/api/v1/policies").body();
        assertTrue(view.path("last_rejection").path("location").asText().startsWith("broken.rego:"), view.toString());
        JsonNode event = admin.get("/api/v1/audit/events?type=policy.rejected").body();
        JsonNode last = event.get(event.size() - 1).path("details");
        assertTrue(last.path("location").asText().startsWith("broken.rego:"), last.toString());
        assertEquals(before, last.path("kept_revision").asText());
        Files.delete(policyDir.resolve("broken.rego"));
        Eventually.until(() -> admin.get("/api/v1/policies").body().has("last_rejection"), has -> !has,
                "the fixed directory to be accepted again");
    }

    @Test
    @Order(4)
    void aChangeWhoseTestsFailIsRefused() throws Exception {
        String before = revision();
        long rejected = server.count("audit_events", "type = 'policy.rejected'");
        Files.writeString(policyDir.resolve("extra_test.rego"),
                "package lanyard.extra_test\n\nimport rego.v1\n\ntest_that_fails if {\n  1 == 2\n}\n");
        Eventually.until(() -> server.count("audit_events", "type = 'policy.rejected'"), n -> n > rejected,
                "the failing test to be refused");
        assertEquals(before, revision());
        JsonNode view = admin.get("/api/v1/policies").body();
        assertTrue(view.path("last_rejection").path("error").asText().contains("test_that_fails"), view.toString());
        Files.delete(policyDir.resolve("extra_test.rego"));
    }
}
