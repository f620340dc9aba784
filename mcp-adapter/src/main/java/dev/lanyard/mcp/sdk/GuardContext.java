package dev.lanyard.mcp.sdk;

import dev.lanyard.mcp.guard.Verdict;
import dev.lanyard.mcp.token.VerifiedToken;
import io.modelcontextprotocol.common.McpTransportContext;
import java.util.Map;

/**
 * What {@link McpAuthFilter} established about one HTTP request, carried to the SDK's handlers through the
 * {@link McpTransportContext} (handlers run on Reactor threads, so a ThreadLocal set by the filter would not reach
 * them). For a tools/call it also holds the verdict, decided before the SDK saw the request.
 *
 * @param toolName the tool the verdict is about (null unless the request is a tools/call)
 */
public record GuardContext(VerifiedToken token, String clientIp, String toolName, Verdict verdict) {
    /** Request attribute set by the filter, and the transport-context key the extractor copies it to. */
    public static final String KEY = "dev.lanyard.mcp.guard";

    public static GuardContext of(McpTransportContext ctx) {
        Object g = ctx == null ? null : ctx.get(KEY);
        return g instanceof GuardContext gc ? gc : null;
    }

    /** The extractor to give the SDK's servlet transport builders ({@code contextExtractor(...)}). */
    public static io.modelcontextprotocol.server.McpTransportContextExtractor<jakarta.servlet.http.HttpServletRequest> extractor() {
        return request -> request.getAttribute(KEY) instanceof GuardContext g
                ? McpTransportContext.create(Map.of(KEY, g)) : McpTransportContext.EMPTY;
    }

    /** True only when the filter decided this very tool and the policy allowed it. */
    public boolean allows(String tool) {
        return verdict != null && tool.equals(toolName) && verdict.allowed();
    }
}
