package dev.lanyard.server.store;

import dev.lanyard.server.config.ConfigException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Where PostgreSQL is: host, port, database and credentials, parsed from {@code postgresql://user:pw@host:port/db}
 * (also accepting {@code postgres://} and {@code jdbc:postgresql://}). Serves both the JDBC driver (migrations) and
 * the reactive client.
 */
public record DatabaseLocation(String host, int port, String database, String user, String password) {

    public static DatabaseLocation parse(String url) {
        String s = url.startsWith("jdbc:") ? url.substring(5) : url;
        try {
            URI uri = URI.create(s);
            if (!"postgresql".equals(uri.getScheme()) && !"postgres".equals(uri.getScheme())) {
                throw new IllegalArgumentException("scheme");
            }
            String user = "postgres";
            String password = "";
            if (uri.getRawUserInfo() != null) {
                String[] parts = uri.getRawUserInfo().split(":", 2);
                user = decode(parts[0]);
                password = parts.length > 1 ? decode(parts[1]) : "";
            }
            String query = uri.getRawQuery();
            if (query != null) {
                for (String kv : query.split("&")) {
                    String[] p = kv.split("=", 2);
                    if (p.length == 2 && p[0].equals("user")) user = decode(p[1]);
                    if (p.length == 2 && p[0].equals("password")) password = decode(p[1]);
                }
            }
            String db = uri.getPath() == null || uri.getPath().length() <= 1 ? "postgres" : uri.getPath().substring(1);
            int port = uri.getPort() == -1 ? 5432 : uri.getPort();
            if (uri.getHost() == null) {
                throw new IllegalArgumentException("host");
            }
            return new DatabaseLocation(uri.getHost(), port, db, user, password);
        } catch (IllegalArgumentException e) {
            // never echo the URL: it may carry a password
            throw new ConfigException("LANYARD_DATABASE_URL must look like postgresql://user:password@host:5432/database");
        }
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "postgresql://" + user + "@" + host + ":" + port + "/" + database;
    }
}
