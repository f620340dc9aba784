package dev.lanyard.server;

import dev.lanyard.server.config.ServerConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real Lanyard server on a real embedded PostgreSQL, for tests. {@link #shared()} is one server for the whole test
 * JVM (starting PostgreSQL costs seconds); tests that need their own (restart, second instance) use {@link #start}.
 */
public final class TestServer implements AutoCloseable {
    public static final String ADMIN_TOKEN = "test-admin-token-0123456789abcdef";
    private static TestServer shared;

    private final LanyardServer server;
    private final Path dataDir;

    private TestServer(LanyardServer server, Path dataDir) {
        this.server = server;
        this.dataDir = dataDir;
    }

    public static synchronized TestServer shared() {
        if (shared == null) {
            shared = start(TestDirs.create("lanyard-test-"), freePort());
            TestDirs.beforeDelete(shared::close);
        }
        return shared;
    }

    public static TestServer start(Path dataDir, int port) {
        return start(dataDir, port, Map.of());
    }

    /** A server with extra environment settings (they override the defaults above). */
    public static TestServer start(Path dataDir, int port, Map<String, String> extraEnv) {
        Map<String, String> env = new HashMap<>();
        env.put("LANYARD_DATA_DIR", dataDir.toString());
        env.put("LANYARD_HTTP_PORT", Integer.toString(port));
        env.put("LANYARD_ADMIN_TOKEN", ADMIN_TOKEN);
        env.putAll(extraEnv);
        try {
            LanyardServer s = LanyardServer.start(ServerConfig.from(env))
                    .toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
            return new TestServer(s, dataDir);
        } catch (Exception e) {
            throw new IllegalStateException("test server did not start", e);
        }
    }

    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    public Api admin() {
        return new Api(baseUrl(), ADMIN_TOKEN);
    }

    public Api anonymous() {
        return new Api(baseUrl(), null);
    }

    public Path dataDir() {
        return dataDir;
    }

    public LanyardServer server() {
        return server;
    }

    /** A plain JDBC connection to the server's database, for checking and tampering with stored rows. */
    public Connection jdbc() throws SQLException {
        var loc = server.databaseLocation();
        return DriverManager.getConnection(loc.jdbcUrl(), loc.user(), loc.password());
    }

    public long count(String table) {
        return count(table, "true");
    }

    /** Rows of {@code table} matching a fixed SQL condition (test code only; never user input). */
    public long count(String table, String condition) {
        try (Connection c = jdbc(); var rs = c.createStatement().executeQuery("SELECT count(*) FROM " + table + " WHERE " + condition)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try {
            server.stop().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
