package dev.lanyard.server.connections;

/** ACTIVE (the agent may get tokens through it) ⇄ INACTIVE (refused: {@code invalid_target}). */
public enum ConnectionStatus {
    ACTIVE, INACTIVE
}
