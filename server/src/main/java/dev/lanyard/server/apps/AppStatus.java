package dev.lanyard.server.apps;

/** ACTIVE (users may sign in through it) ⇄ INACTIVE (refused at the authorization server) → deleted. */
public enum AppStatus {
    ACTIVE, INACTIVE
}
