package dev.lanyard.mcp.sdk;

import dev.lanyard.mcp.guard.McpGuard;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.McpStatelessServerFeatures;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wraps tool specifications so the tool runs only when {@link McpAuthFilter} decided this very call and the policy
 * allowed it; otherwise the handler answers a tool error ({@code isError: true}, no policy internals) without running
 * the tool. Missing context — the filter or the extractor not installed — fails closed the same way. The decision and
 * the audit record are the filter's; this is the enforcement point inside the SDK, where a request cannot slip past.
 */
public final class GuardedTools {
    private static final Logger LOG = LoggerFactory.getLogger(GuardedTools.class);

    private GuardedTools() {}

    public static McpServerFeatures.SyncToolSpecification guard(McpServerFeatures.SyncToolSpecification spec) {
        String name = spec.tool().name();
        return new McpServerFeatures.SyncToolSpecification(spec.tool(), (exchange, request) -> {
            GuardContext g = GuardContext.of(exchange.transportContext());
            return g != null && g.allows(name) && name.equals(request.name())
                    ? spec.callHandler().apply(exchange, request) : refused(name, g);
        });
    }

    public static List<McpServerFeatures.SyncToolSpecification> guardAll(List<McpServerFeatures.SyncToolSpecification> specs) {
        return specs.stream().map(GuardedTools::guard).toList();
    }

    public static McpStatelessServerFeatures.SyncToolSpecification guard(McpStatelessServerFeatures.SyncToolSpecification spec) {
        String name = spec.tool().name();
        return new McpStatelessServerFeatures.SyncToolSpecification(spec.tool(), (ctx, request) -> {
            GuardContext g = GuardContext.of(ctx);
            return g != null && g.allows(name) && name.equals(request.name())
                    ? spec.callHandler().apply(ctx, request) : refused(name, g);
        });
    }

    public static List<McpStatelessServerFeatures.SyncToolSpecification> guardAllStateless(
            List<McpStatelessServerFeatures.SyncToolSpecification> specs) {
        return specs.stream().map(GuardedTools::guard).toList();
    }

    private static McpSchema.CallToolResult refused(String tool, GuardContext g) {
        if (g == null || g.verdict() == null) {
            LOG.error("tool {} called without a decision: is McpAuthFilter in front of the MCP servlet, with "
                    + "GuardContext.extractor() as its context extractor?", tool);
        }
        boolean unavailable = g != null && g.verdict() != null
                && g.verdict().decision().reasons().contains("decision service unavailable");
        return McpSchema.CallToolResult.builder().addTextContent(unavailable ? McpGuard.UNAVAILABLE_TEXT : McpGuard.DENIED_TEXT)
                .isError(true).build();
    }
}
