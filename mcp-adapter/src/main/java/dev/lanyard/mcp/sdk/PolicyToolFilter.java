package dev.lanyard.mcp.sdk;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.lanyard.mcp.decision.Decision;
import dev.lanyard.mcp.guard.McpGuard;
import dev.lanyard.mcp.guard.Verdict;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.server.McpSyncListFilter;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.concurrent.TimeUnit;

/**
 * A {@code tools/list} filter (SDK 2.1.0 {@code addToolFilter}) that hides the tools the policy would refuse this
 * caller, asked as a {@code tools/call} with no arguments. Hiding is a courtesy, not enforcement: a hidden tool called
 * by name still goes through the filter and the guarded handler.
 *
 * <p>With {@code showStepUp}, a tool refused only for scopes the token lacks stays listed, so a client can call it
 * and be led through the 403 {@code insufficient_scope} step-up.
 */
public final class PolicyToolFilter implements McpSyncListFilter<McpSchema.Tool> {
    private final McpGuard guard;
    private final boolean showStepUp;

    public PolicyToolFilter(McpGuard guard, boolean showStepUp) {
        this.guard = guard;
        this.showStepUp = showStepUp;
    }

    @Override
    public boolean isVisible(McpTransportContext ctx, McpSchema.Tool tool) {
        GuardContext g = GuardContext.of(ctx);
        if (g == null || g.token() == null) {
            return false;
        }
        try {
            Decision d = guard.decide(g.token(), "tools/call", tool.name(), JsonNodeFactory.instance.objectNode(), g.clientIp())
                    .toCompletableFuture().get(10, TimeUnit.SECONDS);
            Verdict v = Verdict.of(d, g.token());
            return v.allowed() || (showStepUp && v.kind() == Verdict.Kind.INSUFFICIENT_SCOPE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            return false;
        }
    }
}
