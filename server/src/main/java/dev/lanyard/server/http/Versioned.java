package dev.lanyard.server.http;

/** A resource updated with optimistic concurrency. */
public interface Versioned {
    int version();
}
