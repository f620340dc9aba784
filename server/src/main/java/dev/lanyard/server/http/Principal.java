package dev.lanyard.server.http;

/** Whom a request authenticated as: an admin token or a signed-in user; {@link #actor()} names it in audit events. */
public interface Principal {
    String actor();
}
