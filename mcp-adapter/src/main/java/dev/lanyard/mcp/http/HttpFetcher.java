package dev.lanyard.mcp.http;

import java.net.URI;
import java.util.concurrent.CompletionStage;

/**
 * Fetches a small document (authorization server metadata, a JWKS) without blocking the caller. One interface so the
 * verifier is the same whether a servlet container or a Vert.x event loop runs it.
 */
@FunctionalInterface
public interface HttpFetcher {
    /** Status and body of a GET; the stage fails only when no answer arrived (connection refused, timeout). */
    record Response(int status, byte[] body) {}

    CompletionStage<Response> get(URI uri);
}
