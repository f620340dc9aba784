package dev.lanyard.server;

import dev.lanyard.server.config.ConfigException;
import dev.lanyard.server.config.ServerConfig;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import sun.misc.Signal;

/** {@code java -jar lanyard-server.jar}: configuration from LANYARD_* environment variables. */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
        System.setProperty("vertx.logger-delegate-factory-class-name", "io.vertx.core.logging.SLF4JLogDelegateFactory");
        ServerConfig config;
        try {
            config = ServerConfig.fromEnvironment();
        } catch (ConfigException e) {
            System.err.println("lanyard: " + e.getMessage());
            System.exit(2);
            return;
        }
        CompletableFuture<LanyardServer> started = LanyardServer.start(config).toCompletionStage().toCompletableFuture();
        LanyardServer server;
        try {
            server = started.get();
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause();
            System.err.println("lanyard: cannot start: " + (cause instanceof ConfigException ? cause.getMessage() : cause));
            System.exit(1);
            return;
        }
        Runnable orderly = () -> {
            try {
                server.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // exiting anyway
            }
        };
        Runtime.getRuntime().addShutdownHook(new Thread(orderly, "lanyard-shutdown"));
        // The embedded PostgreSQL library registers a shutdown hook of its own, and the JVM runs hooks concurrently:
        // on SIGTERM the database would stop while buffered decisions are still being written. Handling TERM and INT
        // here runs the orderly stop to its end first; the exit then runs the hooks, which find everything stopped.
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                Signal.handle(new Signal(name), signal -> {
                    orderly.run();
                    // the status the JVM's own handler would give (143 for TERM, 130 for INT)
                    System.exit(128 + signal.getNumber());
                });
            } catch (IllegalArgumentException unavailable) {
                // the platform has no such signal, or the JVM reserves it: the shutdown hook still stops the server
            }
        }
    }
}
