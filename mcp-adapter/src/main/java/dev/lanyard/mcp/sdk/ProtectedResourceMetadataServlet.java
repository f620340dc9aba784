package dev.lanyard.mcp.sdk;

import dev.lanyard.mcp.resource.ProtectedResourceMetadata;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Serves the RFC 9728 document. Map it at {@link ProtectedResourceMetadata#wellKnownPath()} (the path-aware URL the
 * 401 challenge names) and at {@code /.well-known/oauth-protected-resource} (clients probe the root form as well).
 */
public final class ProtectedResourceMetadataServlet extends HttpServlet {
    private final transient byte[] document;

    public ProtectedResourceMetadataServlet(ProtectedResourceMetadata metadata) {
        this.document = metadata.toJson().toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setStatus(200);
        resp.setContentType("application/json");
        resp.setHeader("Cache-Control", "max-age=300");
        resp.setContentLength(document.length);
        resp.getOutputStream().write(document);
    }
}
