package dev.lanyard.loadtest.cli;

import io.vertx.core.Future;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waits for a Vert.x future from the CLI's main thread (never from an event loop). */
final class Futures {

    private Futures() {
    }

    static <T> T await(Future<T> future, Duration timeout, String what) throws Exception {
        try {
            return future.toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        } catch (TimeoutException e) {
            throw new IllegalStateException(what + " did not finish within " + timeout.toSeconds() + " s");
        }
    }
}
