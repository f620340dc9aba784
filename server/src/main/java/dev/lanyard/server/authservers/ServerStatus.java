package dev.lanyard.server.authservers;

/** ACTIVE (issues tokens) ⇄ INACTIVE (refuses every grant) → deleted. */
public enum ServerStatus {
    ACTIVE, INACTIVE
}
