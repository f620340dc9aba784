package dev.lanyard.mcp.jsonrpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

class McpMessageTest {
    private static McpMessage parse(String s) throws JsonRpcException {
        return McpMessage.parse(s.getBytes(StandardCharsets.UTF_8));
    }

    private static JsonRpcError refused(String s) {
        return assertThrows(JsonRpcException.class, () -> parse(s)).error();
    }

    @Test
    void aToolCallIsReadWithItsNameArgumentsAndMeta() throws Exception {
        McpMessage m = parse("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":\"create_ticket\","
                + "\"arguments\":{\"title\":\"t\",\"priority\":\"high\"},\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
                + "\"io.modelcontextprotocol/clientInfo\":{\"name\":\"agent-x\",\"version\":\"1.2\"},\"traceparent\":\"00-abc-def-01\"}}}");
        assertTrue(m.isToolCall());
        assertEquals(7, m.id().intValue());
        assertEquals("create_ticket", m.name());
        assertEquals("high", m.arguments().path("priority").asText());
        assertEquals("2026-07-28", m.metaProtocolVersion());
        assertEquals("agent-x", m.clientInfo().path("name").asText());
        assertEquals("00-abc-def-01", m.traceparent());
        assertEquals("{}", parse("{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"method\":\"tools/call\",\"params\":{\"name\":\"x\"}}").arguments().toString());
    }

    @Test
    void otherMessageKinds() throws Exception {
        assertEquals(McpMessage.Kind.NOTIFICATION, parse("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}").kind());
        assertEquals(McpMessage.Kind.RESPONSE, parse("{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":{}}").kind());
        McpMessage read = parse("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"resources/read\",\"params\":{\"uri\":\"file:///a\"}}");
        assertEquals("file:///a", read.name());
        McpMessage init = parse("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\","
                + "\"clientInfo\":{\"name\":\"c\",\"version\":\"9\"}}}");
        assertEquals("9", init.clientInfo().path("version").asText());
        assertNull(init.traceparent());
    }

    @Test
    void malformedMessagesAreRefusedWithTheRightCode() {
        assertEquals(JsonRpcError.PARSE_ERROR, refused("{not json").code());
        assertEquals(JsonRpcError.PARSE_ERROR, refused("").code());
        assertEquals(JsonRpcError.INVALID_REQUEST, refused("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}]").code());
        assertEquals(JsonRpcError.INVALID_REQUEST, refused("42").code());
        assertEquals(JsonRpcError.INVALID_REQUEST, refused("{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"ping\"}").code());
        assertEquals(JsonRpcError.INVALID_REQUEST, refused("{\"jsonrpc\":\"2.0\",\"id\":1}").code());
        assertEquals(JsonRpcError.INVALID_REQUEST, refused("{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"ping\"}").code());
        assertEquals(JsonRpcError.INVALID_REQUEST, refused("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":[1]}").code());
        assertEquals(JsonRpcError.INVALID_PARAMS, refused("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{}}").code());
        assertEquals(JsonRpcError.INVALID_PARAMS, refused("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"x\",\"arguments\":[1]}}").code());
        // two "name" keys: which one would the server use? Refused rather than guessed.
        JsonRpcError dup = refused("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"read_ticket\",\"name\":\"delete_project\"}}");
        assertEquals(JsonRpcError.PARSE_ERROR, dup.code());
        assertEquals(400, dup.httpStatus());
        assertEquals("{\"jsonrpc\":\"2.0\",\"id\":5,\"error\":{\"code\":-32602,\"message\":\"m\"}}",
                JsonRpcError.invalidParams("m").toJson(com.fasterxml.jackson.databind.node.IntNode.valueOf(5)).toString());
    }

    @Test
    void headersMustMirrorTheBody() throws Exception {
        McpMessage call = parse("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"read_ticket\"}}");
        McpHeaders.check(call, Map.of("Mcp-Method", "tools/call", "Mcp-Name", "read_ticket")::get, "2026-07-28");
        // earlier eras may omit them
        McpHeaders.check(call, Map.<String, String>of()::get, "2025-11-25");
        McpHeaders.check(call, Map.<String, String>of()::get, null);
        assertMismatch(call, Map.of("Mcp-Method", "tools/list", "Mcp-Name", "read_ticket"), "2026-07-28");
        assertMismatch(call, Map.of("Mcp-Method", "tools/call", "Mcp-Name", "delete_project"), "2026-07-28");
        assertMismatch(call, Map.of("Mcp-Method", "tools/call", "Mcp-Name", "delete_project"), "2025-11-25");
        assertMismatch(call, Map.of("Mcp-Method", "tools/call"), "2026-07-28");
        assertMismatch(call, Map.of(), "2026-07-28");
        McpMessage list = parse("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}");
        McpHeaders.check(list, Map.of("Mcp-Method", "tools/list")::get, "2026-07-28");
        assertMismatch(list, Map.of("Mcp-Method", "tools/list", "Mcp-Name", "x"), "2026-07-28");
        // non-ASCII names travel base64-encoded
        McpMessage unicode = parse("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"tické\"}}");
        String encoded = "=?base64?" + Base64.getEncoder().encodeToString("tické".getBytes(StandardCharsets.UTF_8)) + "?=";
        McpHeaders.check(unicode, Map.of("Mcp-Method", "tools/call", "Mcp-Name", encoded)::get, "2026-07-28");
        assertMismatch(unicode, Map.of("Mcp-Method", "tools/call", "Mcp-Name", "=?base64?!!!?="), "2026-07-28");
    }

    private static void assertMismatch(McpMessage m, Map<String, String> headers, String version) {
        JsonRpcException e = assertThrows(JsonRpcException.class, () -> McpHeaders.check(m, headers::get, version));
        assertEquals(JsonRpcError.HEADER_MISMATCH, e.error().code());
        assertEquals(400, e.error().httpStatus());
    }

    @Test
    void responsesAreClassified() throws Exception {
        var ok = dev.lanyard.mcp.http.Json.parse("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"content\":[]}}");
        var toolError = dev.lanyard.mcp.http.Json.parse("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"isError\":true}}");
        var rpcError = dev.lanyard.mcp.http.Json.parse("{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32602,\"message\":\"x\"}}");
        assertEquals(ResponseOutcome.OK, ResponseOutcome.of(ok, 200).outcomeClass());
        assertEquals(ResponseOutcome.TOOL_ERROR, ResponseOutcome.of(toolError, 200).outcomeClass());
        assertEquals(-32602, ResponseOutcome.of(rpcError, 200).code());
        assertTrue(ResponseOutcome.answers(ok, com.fasterxml.jackson.databind.node.IntNode.valueOf(1)));
        assertTrue(!ResponseOutcome.answers(ok, com.fasterxml.jackson.databind.node.IntNode.valueOf(2)));
    }

    @Test
    void argumentsAreHashedInCanonicalForm() throws Exception {
        var a = dev.lanyard.mcp.http.Json.parse("{\"b\":[1,{\"y\":true,\"x\":null}],\"a\":\"é\"}");
        var b = dev.lanyard.mcp.http.Json.parse("{ \"a\" : \"é\", \"b\" : [1, {\"x\":null, \"y\":true}] }");
        assertEquals(dev.lanyard.mcp.http.Json.canonicalSha256(a), dev.lanyard.mcp.http.Json.canonicalSha256(b));
        // SHA-256 of {"a":"é","b":[1,{"x":null,"y":true}]} in UTF-8
        java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
        String expected = java.util.HexFormat.of().formatHex(md.digest("{\"a\":\"é\",\"b\":[1,{\"x\":null,\"y\":true}]}"
                .getBytes(StandardCharsets.UTF_8)));
        assertEquals(expected, dev.lanyard.mcp.http.Json.canonicalSha256(a));
        assertTrue(!expected.equals(dev.lanyard.mcp.http.Json.canonicalSha256(dev.lanyard.mcp.http.Json.parse("{\"a\":\"e\"}"))));
    }
}
