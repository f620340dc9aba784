package dev.lanyard.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** A minimal Server-Sent Events reader over real HTTP: collects (id, event, data) frames into a queue. */
public final class SseClient implements AutoCloseable {
    public record Frame(String id, String event, JsonNode data) {}

    private final BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
    private final CompletableFuture<HttpResponse<Stream<String>>> response;

    public SseClient(String url, String token, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        headers.forEach(b::header);
        response = HttpClient.newHttpClient().sendAsync(b.build(), HttpResponse.BodyHandlers.ofLines());
        response.thenAccept(r -> {
            Thread reader = new Thread(() -> read(r.body()), "sse-reader");
            reader.setDaemon(true);
            reader.start();
        });
    }

    private void read(Stream<String> lines) {
        Map<String, String> fields = new LinkedHashMap<>();
        try {
            lines.forEach(line -> {
                if (line.isEmpty()) {
                    if (fields.containsKey("data")) {
                        try {
                            frames.add(new Frame(fields.get("id"), fields.get("event"), Api.JSON.readTree(fields.get("data"))));
                        } catch (IOException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                    fields.clear();
                } else if (!line.startsWith(":")) {
                    String[] kv = line.split(":", 2);
                    fields.put(kv[0], kv.length > 1 ? kv[1].stripLeading() : "");
                }
            });
        } catch (RuntimeException closed) {
            // the stream ends when the test closes it
        }
    }

    public int status() throws Exception {
        // from the response itself: the callback that records it may not have run yet when get() returns
        return response.get(10, TimeUnit.SECONDS).statusCode();
    }

    /** Waits (bounded) for the first frame matching {@code test}; frames before it are consumed. */
    public Frame await(Predicate<Frame> test) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            Frame f = frames.poll(200, TimeUnit.MILLISECONDS);
            if (f != null && test.test(f)) {
                return f;
            }
        }
        throw new AssertionError("no matching event arrived within 15 s");
    }

    public Frame next() throws InterruptedException {
        return await(f -> true);
    }

    @Override
    public void close() {
        response.cancel(true);
        response.thenAccept(r -> r.body().close());
    }
}
