package dev.lanyard.server.agents;

/** STAGED (created) → ACTIVE (may authenticate and use connections) ⇄ INACTIVE (cut off) → deleted. */
public enum AgentStatus {
    STAGED, ACTIVE, INACTIVE
}
