package dev.lanyard.server.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the server reads from its environment, read once at start. Defaults are safe for a laptop: loopback
 * only, embedded database in ./lanyard-data.
 */
public record ServerConfig(
        String httpHost,
        int httpPort,
        String baseUrl,
        Path dataDir,
        Optional<String> databaseUrl,
        Optional<String> initialAdminToken) {

    public static ServerConfig fromEnvironment() {
        return from(System.getenv());
    }

    public static ServerConfig from(Map<String, String> env) {
        String host = env.getOrDefault("LANYARD_HTTP_HOST", "127.0.0.1");
        int port = parsePort(env.getOrDefault("LANYARD_HTTP_PORT", "8080"));
        String baseUrl = nonBlank(env.get("LANYARD_BASE_URL"))
                .map(ServerConfig::stripTrailingSlash)
                .orElse("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port);
        Path dataDir = Path.of(env.getOrDefault("LANYARD_DATA_DIR", "lanyard-data")).toAbsolutePath().normalize();
        return new ServerConfig(host, port, baseUrl, dataDir,
                nonBlank(env.get("LANYARD_DATABASE_URL")), nonBlank(env.get("LANYARD_ADMIN_TOKEN")));
    }

    /** The same configuration listening on another port (tests pick a free port). */
    public ServerConfig withHttpPort(int port) {
        return new ServerConfig(httpHost, port, baseUrl, dataDir, databaseUrl, initialAdminToken);
    }

    private static int parsePort(String value) {
        try {
            int port = Integer.parseInt(value.trim());
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException();
            }
            return port;
        } catch (IllegalArgumentException e) {
            throw new ConfigException("LANYARD_HTTP_PORT must be a port number (0-65535), got '" + value + "'");
        }
    }

    private static Optional<String> nonBlank(String s) {
        return s == null || s.isBlank() ? Optional.empty() : Optional.of(s.trim());
    }

    private static String stripTrailingSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
