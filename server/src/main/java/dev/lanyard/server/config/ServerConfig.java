package dev.lanyard.server.config;

import dev.lanyard.server.authservers.WebUrls;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
        Optional<String> initialAdminToken,
        Optional<Secret> masterKey,
        String signingAlg,
        SignIn signIn,
        Policy policy) {

    /**
     * Where the policy set comes from ({@code LANYARD_POLICY_DIR}, watched and hot-reloaded; absent: the default set
     * bundled in the jar) and what backs the token policy ({@code LANYARD_TOKEN_POLICY}: {@code rego}, the default, or
     * {@code java}, the built-in connection rules), and how many decisions may wait to be written to the decision
     * log ({@code LANYARD_DECISION_LOG_BACKLOG}): past a quarter of it, callers wait for their decision's record; at
     * it, new decisions are refused with a 503 until the database catches up.
     */
    public record Policy(Optional<Path> dir, String tokenPolicy, int decisionLogBacklog) {
        public static final int DEFAULT_DECISION_LOG_BACKLOG = 40_000;
    }

    /** A secret setting whose value never appears in {@code toString} (so never in a log line). */
    public record Secret(String value) {
        @Override
        public String toString() {
            return "[redacted]";
        }
    }

    /**
     * The org server's sign-in: authorization code lifetime (≤ 60 s), the failed-login limits per login and per
     * client address within a 15-minute window, and the redirect URIs the built-in console client may use besides
     * loopback ones ({@code LANYARD_CONSOLE_REDIRECT_URIS}, comma-separated: https, or http on a loopback host).
     */
    public record SignIn(int codeTtlSeconds, int maxFailuresPerLogin, int maxFailuresPerIp,
                         List<String> consoleRedirectUris) {
        public static final SignIn DEFAULTS = new SignIn(60, 5, 20, List.of());
        static final int MAX_CONSOLE_REDIRECT_URIS = 20;

        public SignIn {
            consoleRedirectUris = List.copyOf(consoleRedirectUris);
        }
    }

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
        String signingAlg = nonBlank(env.get("LANYARD_SIGNING_ALG")).orElse("ES256").toUpperCase(java.util.Locale.ROOT);
        if (!signingAlg.equals("ES256") && !signingAlg.equals("RS256")) {
            throw new ConfigException("LANYARD_SIGNING_ALG must be ES256 or RS256, got '" + signingAlg + "'");
        }
        SignIn signIn = new SignIn(
                intSetting(env, "LANYARD_AUTH_CODE_TTL_SECONDS", SignIn.DEFAULTS.codeTtlSeconds(), 1, 60),
                intSetting(env, "LANYARD_LOGIN_MAX_FAILURES", SignIn.DEFAULTS.maxFailuresPerLogin(), 1, 1000),
                intSetting(env, "LANYARD_LOGIN_MAX_FAILURES_PER_IP", SignIn.DEFAULTS.maxFailuresPerIp(), 1, 100000),
                consoleRedirectUris(env.get("LANYARD_CONSOLE_REDIRECT_URIS")));
        return new ServerConfig(host, port, baseUrl, dataDir,
                nonBlank(env.get("LANYARD_DATABASE_URL")), adminToken(env.get("LANYARD_ADMIN_TOKEN")),
                nonBlank(env.get("LANYARD_MASTER_KEY")).map(Secret::new), signingAlg, signIn, policy(env));
    }

    private static Policy policy(Map<String, String> env) {
        Optional<Path> dir = nonBlank(env.get("LANYARD_POLICY_DIR")).map(d -> Path.of(d).toAbsolutePath().normalize());
        if (dir.isPresent() && !java.nio.file.Files.isDirectory(dir.get())) {
            throw new ConfigException("LANYARD_POLICY_DIR must be a directory, got '" + dir.get() + "'");
        }
        String token = nonBlank(env.get("LANYARD_TOKEN_POLICY")).orElse("rego").toLowerCase(java.util.Locale.ROOT);
        if (!token.equals("rego") && !token.equals("java")) {
            throw new ConfigException("LANYARD_TOKEN_POLICY must be rego or java, got '" + token + "'");
        }
        return new Policy(dir, token, intSetting(env, "LANYARD_DECISION_LOG_BACKLOG",
                Policy.DEFAULT_DECISION_LOG_BACKLOG, 100, 1_000_000));
    }

    /** The same configuration listening on another port (tests pick a free port). */
    public ServerConfig withHttpPort(int port) {
        return new ServerConfig(httpHost, port, baseUrl, dataDir, databaseUrl, initialAdminToken, masterKey,
                signingAlg, signIn, policy);
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

    private static int intSetting(Map<String, String> env, String name, int dflt, int min, int max) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // fall through
        }
        throw new ConfigException(name + " must be a number from " + min + " to " + max + ", got '" + value + "'");
    }

    /** Exact redirect URIs, each following the rule of every registered URL (WebUrls): https, or http on loopback. */
    private static List<String> consoleRedirectUris(String value) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        List<String> uris = new ArrayList<>();
        for (String u : value.split(",")) {
            String uri = u.trim();
            if (uri.isEmpty()) {
                continue;
            }
            try {
                WebUrls.check("LANYARD_CONSOLE_REDIRECT_URIS entry '" + uri + "'", uri, true);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(e.getMessage());
            }
            if (!uris.contains(uri)) {
                uris.add(uri);
            }
        }
        if (uris.size() > SignIn.MAX_CONSOLE_REDIRECT_URIS) {
            throw new ConfigException("LANYARD_CONSOLE_REDIRECT_URIS lists more than "
                    + SignIn.MAX_CONSOLE_REDIRECT_URIS + " URIs");
        }
        return uris;
    }

    /** Shortest acceptable LANYARD_ADMIN_TOKEN: a guessable first admin token would be the whole directory. */
    public static final int MIN_ADMIN_TOKEN_LENGTH = 24;

    private static Optional<String> adminToken(String value) {
        Optional<String> token = nonBlank(value);
        if (token.isPresent() && token.get().length() < MIN_ADMIN_TOKEN_LENGTH) {
            throw new ConfigException("LANYARD_ADMIN_TOKEN must be at least " + MIN_ADMIN_TOKEN_LENGTH + " characters");
        }
        return token;
    }

    private static Optional<String> nonBlank(String s) {
        return s == null || s.isBlank() ? Optional.empty() : Optional.of(s.trim());
    }

    private static String stripTrailingSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
