package dev.lanyard.mcp.support;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/** The official Java MCP SDK client, with a bearer token that a test may swap between calls. */
public final class JavaMcpClient implements AutoCloseable {
    public final AtomicReference<String> token;
    public final McpSyncClient client;

    public JavaMcpClient(String baseUrl, String endpoint, String initialToken) {
        token = new AtomicReference<>(initialToken);
        HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport.builder(baseUrl).endpoint(endpoint)
                .httpRequestCustomizer((b, method, uri, body, ctx) -> {
                    String t = token.get();
                    if (t != null) {
                        b.header("Authorization", "Bearer " + t);
                    }
                })
                .connectTimeout(Duration.ofSeconds(5)).build();
        client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(20))
                .clientInfo(new McpSchema.Implementation("lanyard-java-test-client", "1.0.0")).build();
    }

    public McpSchema.CallToolResult call(String tool, Map<String, Object> args) {
        return client.callTool(new McpSchema.CallToolRequest(tool, args));
    }

    public static String text(McpSchema.CallToolResult r) {
        return ((McpSchema.TextContent) r.content().get(0)).text();
    }

    @Override
    public void close() {
        client.close();
    }
}
