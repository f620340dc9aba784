package dev.lanyard.mcp.http;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** {@link HttpFetcher} on the JDK's asynchronous HttpClient: its own threads do the I/O, the caller never waits. */
public final class JdkHttpFetcher implements HttpFetcher {
    /** Metadata and key sets are a few KiB; anything far larger is not what we asked for. */
    static final int MAX_BODY = 1 << 20;
    private final HttpClient client;
    private final Duration timeout;

    public JdkHttpFetcher(HttpClient client, Duration timeout) {
        this.client = client;
        this.timeout = timeout;
    }

    public static JdkHttpFetcher create() {
        return new JdkHttpFetcher(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER).build(), Duration.ofSeconds(10));
    }

    @Override
    public CompletionStage<Response> get(URI uri) {
        String scheme = uri.getScheme();
        if (!"https".equalsIgnoreCase(scheme) && !"http".equalsIgnoreCase(scheme)) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("not an http(s) URL: " + uri));
        }
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json").GET().build();
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).thenApply(r -> {
            if (r.body().length > MAX_BODY) {
                throw new IllegalStateException(uri + " answered more than " + MAX_BODY + " bytes");
            }
            return new Response(r.statusCode(), r.body());
        });
    }
}
