package dev.lanyard.server.agents;

import dev.lanyard.server.http.ApiException;
import dev.lanyard.server.http.ErrorCode;
import java.util.ArrayList;
import java.util.List;

/**
 * The agent state machine in one place: STAGED → ACTIVE (activate), ACTIVE → INACTIVE (deactivate),
 * INACTIVE → ACTIVE (activate), INACTIVE → deleted. Activation needs an ACTIVE owner, an active key, and for
 * user-delegated agents a linked sign-on app; an ACTIVE agent must keep meeting those needs.
 */
public final class AgentLifecycle {
    private AgentLifecycle() {}

    public static void checkActivate(Agent agent, AgentStore.Readiness readiness) {
        if (agent.status() == AgentStatus.ACTIVE) {
            throw refused(agent, "activate", "it is already ACTIVE");
        }
        List<String> missing = unmet(agent, readiness);
        if (!missing.isEmpty()) {
            throw new ApiException(ErrorCode.LIFECYCLE, "Cannot activate AI agent " + agent.id() + ": "
                    + String.join("; ", missing));
        }
    }

    public static void checkDeactivate(Agent agent) {
        if (agent.status() != AgentStatus.ACTIVE) {
            throw refused(agent, "deactivate", "it is " + agent.status() + " (only ACTIVE agents can be deactivated)");
        }
    }

    public static void checkDelete(Agent agent) {
        if (agent.status() != AgentStatus.INACTIVE) {
            throw refused(agent, "delete", "it is " + agent.status() + " (only INACTIVE agents can be deleted; deactivate it first)");
        }
    }

    /** After an update of an ACTIVE agent: it must still meet the activation needs. */
    public static void checkStillActivatable(Agent updated, AgentStore.Readiness readiness) {
        if (updated.status() != AgentStatus.ACTIVE) {
            return;
        }
        List<String> missing = unmet(updated, readiness);
        if (!missing.isEmpty()) {
            throw new ApiException(ErrorCode.CONFLICT, "This change would leave ACTIVE AI agent " + updated.id()
                    + " without what it needs: " + String.join("; ", missing) + ". Deactivate it first.");
        }
    }

    private static List<String> unmet(Agent agent, AgentStore.Readiness readiness) {
        List<String> missing = new ArrayList<>();
        if (readiness.activeOwners() == 0) {
            missing.add("it needs at least one ACTIVE owner");
        }
        if (readiness.activeKeys() == 0) {
            missing.add("it needs at least one active key");
        }
        if (agent.agentType() == AgentType.USER_DELEGATED && agent.linkedAppId() == null) {
            missing.add("a user_delegated agent needs a linked app (linked_app_id)");
        }
        return missing;
    }

    private static ApiException refused(Agent agent, String action, String why) {
        return new ApiException(ErrorCode.LIFECYCLE, "Cannot " + action + " AI agent " + agent.id() + ": " + why);
    }
}
