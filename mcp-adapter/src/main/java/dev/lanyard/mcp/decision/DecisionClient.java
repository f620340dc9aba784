package dev.lanyard.mcp.decision;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.CompletionStage;

/**
 * Asks {@code data.lanyard.mcp.decision} about one request. Implementations never fail the stage for an unreachable
 * decision point: they complete with {@link Decision#unavailable} so the caller refuses (fails closed) and audits it.
 */
public interface DecisionClient extends AutoCloseable {
    /** The policy path, as OPA's Data API names it. */
    String PATH = "lanyard/mcp/decision";

    CompletionStage<Decision> decide(JsonNode input);

    @Override
    default void close() {}
}
