package dev.lanyard.server;

import dev.lanyard.server.config.ConfigException;
import dev.lanyard.server.config.ServerConfig;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

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
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.stop().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // exiting anyway
            }
        }, "lanyard-shutdown"));
    }
}
