package dev.lanyard.server.directory;

/** Lifecycle of a human principal. */
public enum UserStatus {
    ACTIVE, SUSPENDED, DEPROVISIONED
}
