package dev.lanyard.mcp.sample;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The sample server's tools over an in-memory ticket store: {@code create_ticket}, {@code read_ticket} and
 * {@code delete_project} (annotated destructive). What each does is beside the point; that the default policy maps
 * them to {@code tickets:write}, {@code tickets:read} and {@code projects:admin} + {@code mcp:destructive} is the point.
 */
public final class TicketTools {
    /** A tool: its schema and what it does with the arguments. */
    public record Tool(McpSchema.Tool schema, Function<Map<String, Object>, McpSchema.CallToolResult> handler) {}

    private final Map<String, Map<String, Object>> tickets = new ConcurrentHashMap<>();
    private final AtomicInteger next = new AtomicInteger(1);

    public List<Tool> tools() {
        var mapper = McpJsonDefaults.getMapper();
        McpSchema.Tool create = McpSchema.Tool.builder().name("create_ticket").title("Create a ticket")
                .description("Opens a ticket and returns its id.")
                .inputSchema(mapper, """
                        {"type":"object","properties":{"title":{"type":"string","minLength":1},
                         "priority":{"type":"string","enum":["low","normal","high"]}},"required":["title"]}""")
                .annotations(new McpSchema.ToolAnnotations("Create a ticket", false, false, false, false, null))
                .build();
        McpSchema.Tool read = McpSchema.Tool.builder().name("read_ticket").title("Read a ticket")
                .description("Returns a ticket by id.")
                .inputSchema(mapper, """
                        {"type":"object","properties":{"id":{"type":"string"}},"required":["id"]}""")
                .annotations(new McpSchema.ToolAnnotations("Read a ticket", true, false, true, false, null))
                .build();
        McpSchema.Tool delete = McpSchema.Tool.builder().name("delete_project").title("Delete a project")
                .description("Deletes a project and all its tickets. Destructive.")
                .inputSchema(mapper, """
                        {"type":"object","properties":{"project":{"type":"string"}},"required":["project"]}""")
                .annotations(new McpSchema.ToolAnnotations("Delete a project", false, true, true, false, null))
                .build();
        return List.of(new Tool(create, this::create), new Tool(read, this::read), new Tool(delete, this::delete));
    }

    private McpSchema.CallToolResult create(Map<String, Object> args) {
        String id = "T-" + next.getAndIncrement();
        Map<String, Object> ticket = Map.of("id", id, "title", String.valueOf(args.get("title")),
                "priority", String.valueOf(args.getOrDefault("priority", "normal")));
        tickets.put(id, ticket);
        return McpSchema.CallToolResult.builder().addTextContent("Created ticket " + id).structuredContent(ticket).build();
    }

    private McpSchema.CallToolResult read(Map<String, Object> args) {
        Map<String, Object> t = tickets.get(String.valueOf(args.get("id")));
        if (t == null) {
            return McpSchema.CallToolResult.builder().addTextContent("No ticket " + args.get("id")).isError(true).build();
        }
        return McpSchema.CallToolResult.builder().addTextContent(t.get("id") + ": " + t.get("title")).structuredContent(t).build();
    }

    private McpSchema.CallToolResult delete(Map<String, Object> args) {
        tickets.clear();
        return McpSchema.CallToolResult.builder().addTextContent("Deleted project " + args.get("project")).build();
    }
}
