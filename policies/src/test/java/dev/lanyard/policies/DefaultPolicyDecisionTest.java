package dev.lanyard.policies;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lanyard.policies.engine.PolicyEngine;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The default policy set end to end, as the server and the MCP adapter see it: the bundled default compiled to WASM
 * and evaluated by {@link PolicyEngine} with inputs shaped like theirs. Guards the input/result contract of
 * docs/policies.md against drift.
 */
class DefaultPolicyDecisionTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "lanyard/token/decision";
    private static final String MCP = "lanyard/mcp/decision";
    private static PolicyEngine engine;

    @BeforeAll
    static void load() {
        engine = new PolicyEngine(PolicySet.bundledDefault().bundle(), 1);
    }

    /** What the token endpoint sends for an autonomous agent's client-credentials request. */
    private static ObjectNode clientCredentials() {
        return (ObjectNode) json("""
                {"grant": "client_credentials",
                 "agent": {"id": "agt_0ff1ce", "type": "autonomous", "status": "ACTIVE",
                           "owners": [{"id": "usr_ada", "status": "ACTIVE"}], "risk": "low",
                           "default_scopes": ["tickets:read", "tickets:write"], "tags": ["support"],
                           "max_session_seconds": 1800},
                 "principal": null,
                 "connection": {"id": "con_7", "type": "client_credentials", "status": "ACTIVE",
                                "scopes": ["tickets:read", "tickets:write"]},
                 "resource": {"uri": "https://tools.example/mcp", "tags": [],
                              "scopes": ["tickets:read", "tickets:write", "projects:admin"]},
                 "requested_scopes": [],
                 "actor_chain": [],
                 "request": {"ip": "127.0.0.1", "time": "2026-11-23T10:00:00Z"},
                 "session": {"trigger_reason": null, "requested_ttl": null},
                 "approvals": []}
                """);
    }

    private static ObjectNode toolCall(String tool, String scope) {
        ObjectNode in = (ObjectNode) json("""
                {"token": {"sub": "agt_0ff1ce", "client_id": "agt_0ff1ce", "scope": "", "act": null,
                           "jti": "at_1", "iss": "https://lanyard.example/oauth2/aus_tools",
                           "aud": "https://tools.example/mcp", "agent_id": "agt_0ff1ce"},
                 "agent": {"id": "agt_0ff1ce", "status": "ACTIVE", "type": "autonomous", "tags": []},
                 "principal": null,
                 "server": {"resource": "https://tools.example/mcp"},
                 "tool": {"name": "", "arguments": {"project": "apollo"}},
                 "request": {"method": "tools/call", "ip": "127.0.0.1", "time": "2026-11-23T10:00:00Z"}}
                """);
        ((ObjectNode) in.get("token")).put("scope", scope);
        ((ObjectNode) in.get("tool")).put("name", tool);
        return in;
    }

    @Test
    void autonomousAgentGetsItsDefaultScopesForItsMaxSession() {
        assertDecision(TOKEN, clientCredentials(), """
                {"allow": true, "scopes": ["tickets:read", "tickets:write"], "ttl_seconds": 1800, "reasons": [],
                 "obligations": {}}""");
    }

    @Test
    void userDelegatedAgentGetsTheRequestedScopeForTheRequestedTtl() {
        ObjectNode in = clientCredentials();
        in.put("grant", "urn:ietf:params:oauth:grant-type:jwt-bearer");
        ((ObjectNode) in.get("agent")).put("type", "user_delegated");
        in.set("principal", json("{\"id\": \"usr_bob\", \"status\": \"ACTIVE\", \"groups\": [\"grp_support\"]}"));
        ((ObjectNode) in.get("connection")).put("type", "identity_assertion");
        in.set("requested_scopes", json("[\"tickets:read\", \"projects:admin\"]"));
        ((ObjectNode) in.get("session")).put("requested_ttl", 300);
        assertDecision(TOKEN, in, """
                {"allow": true, "scopes": ["tickets:read"], "ttl_seconds": 300, "reasons": [], "obligations": {}}""");
    }

    @Test
    void productionWriteNeedsAnApprovalForAutonomousAgents() {
        ObjectNode in = clientCredentials();
        ((ObjectNode) in.get("resource")).set("tags", json("[\"production-write\"]"));
        in.set("requested_scopes", json("[\"tickets:write\"]"));
        assertDecision(TOKEN, in, """
                {"allow": false, "scopes": [], "ttl_seconds": 0, "error": "access_denied",
                 "reasons": ["An approval is required before this agent may receive tickets:write for this resource."],
                 "obligations": {"approval": {"required": true, "scopes": ["tickets:write"],
                                              "resource": "https://tools.example/mcp"}}}""");

        in.set("approvals", json("""
                [{"id": "apr_1", "resource": "https://tools.example/mcp", "scopes": ["tickets:write"],
                  "status": "APPROVED", "expires_at": "2026-11-23T12:00:00Z"}]"""));
        assertDecision(TOKEN, in, """
                {"allow": true, "scopes": ["tickets:write"], "ttl_seconds": 1800, "reasons": [], "obligations": {}}""");
    }

    @Test
    void everyDenialReasonIsReturnedAndTheErrorFollowsPrecedence() {
        ObjectNode in = clientCredentials();
        ((ObjectNode) in.get("agent")).put("status", "INACTIVE");
        in.putNull("connection");
        in.set("actor_chain", json("[\"agt_a\", \"agt_b\", \"agt_c\"]"));
        assertDecision(TOKEN, in, """
                {"allow": false, "scopes": [], "ttl_seconds": 0, "error": "access_denied", "obligations": {},
                 "reasons": ["The agent is not active.", "The delegation chain is too long.",
                             "The agent has no connection to this resource."]}""");
    }

    @Test
    void scopesOutsideTheConnectionAreInvalidScope() {
        ObjectNode in = clientCredentials();
        in.set("requested_scopes", json("[\"projects:admin\"]"));
        ((ObjectNode) in.get("agent")).set("default_scopes", json("[]"));
        assertDecision(TOKEN, in, """
                {"allow": false, "scopes": [], "ttl_seconds": 0, "error": "invalid_scope", "obligations": {},
                 "reasons": ["None of the requested scopes may be granted to this agent for this resource."]}""");
    }

    @Test
    void aToolCallWithItsScopeIsAllowed() {
        assertDecision(MCP, toolCall("create_ticket", "tickets:read tickets:write"), """
                {"allow": true, "reasons": [], "required_scopes": ["tickets:write"]}""");
    }

    @Test
    void aDestructiveToolNeedsTheDestructiveScopeToo() {
        assertDecision(MCP, toolCall("delete_project", "projects:admin"), """
                {"allow": false, "reasons": ["The token lacks the scopes this tool requires: mcp:destructive."],
                 "required_scopes": ["mcp:destructive", "projects:admin"]}""");
    }

    @Test
    void unmappedToolsAndInactiveAgentsAreDenied() {
        assertDecision(MCP, toolCall("format_disk", "tickets:write"), """
                {"allow": false, "reasons": ["This tool is not available through this server."],
                 "required_scopes": []}""");
        ObjectNode in = toolCall("read_ticket", "tickets:read");
        ((ObjectNode) in.get("agent")).put("status", "INACTIVE");
        assertDecision(MCP, in, """
                {"allow": false, "reasons": ["The agent is not active."], "required_scopes": ["tickets:read"]}""");
    }

    @Test
    void listingToolsNeedsOnlyAGoodToken() {
        ObjectNode in = toolCall("", "tickets:read");
        in.remove("tool");
        ((ObjectNode) in.get("request")).put("method", "tools/list");
        assertDecision(MCP, in, """
                {"allow": true, "reasons": [], "required_scopes": []}""");
    }

    private static void assertDecision(String entrypoint, JsonNode input, String expected) {
        String result = engine.result(entrypoint, input.toString()).orElseThrow(
                () -> new AssertionError(entrypoint + " is undefined for " + input));
        assertEquals(json(expected), json(result), result);
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(text, e);
        }
    }
}
