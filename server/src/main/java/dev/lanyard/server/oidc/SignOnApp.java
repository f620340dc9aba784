package dev.lanyard.server.oidc;

import dev.lanyard.server.authservers.WebUrls;
import dev.lanyard.server.directory.Rows;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * A sign-on app as the org server's sign-in sees it: a client of the org authorization server (table {@code apps}),
 * or the built-in console client ({@code console}, see {@link OrgClients}).
 */
record SignOnApp(String id, String name, String clientType, String authMethod, String secretHash,
                 List<String> redirectUris, String status, boolean console) {

    boolean active() {
        return "ACTIVE".equals(status);
    }

    boolean confidential() {
        return "CONFIDENTIAL".equals(clientType);
    }

    /**
     * Exact string comparison (no normalisation, no prefix or wildcard matching); the console client, a native-app
     * style client, may also use any loopback redirect URI on any port (RFC 8252 §7.3).
     */
    boolean registered(String redirectUri) {
        return redirectUri != null && (redirectUris.contains(redirectUri) || console && loopback(redirectUri));
    }

    /** {@code http} on a loopback host (127.0.0.0/8, [::1], localhost), any port and path, no user info or fragment. */
    private static boolean loopback(String redirectUri) {
        try {
            URI uri = WebUrls.check("redirect_uri", redirectUri, true);
            return "http".equals(uri.getScheme()) && WebUrls.isLoopback(uri.getHost());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Whether {@code secret} hashes to the stored SHA-256, compared in constant time. */
    boolean secretMatches(String secret) {
        if (secret == null || secretHash == null) {
            return false;
        }
        try {
            String presented = HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
            return MessageDigest.isEqual(presented.getBytes(StandardCharsets.US_ASCII),
                    secretHash.toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static Future<Optional<SignOnApp>> find(SqlClient client, String id) {
        if (id == null || !dev.lanyard.server.http.Ids.isValid("app", id)) {
            return Future.succeededFuture(Optional.empty());
        }
        return client.preparedQuery("SELECT id, name, client_type, token_endpoint_auth_method, client_secret_hash, "
                        + "redirect_uris, status FROM apps WHERE id = $1")
                .execute(Tuple.of(id)).map(rows -> Rows.first(rows, SignOnApp::fromRow));
    }

    private static SignOnApp fromRow(Row row) {
        return new SignOnApp(row.getString("id"), row.getString("name"), row.getString("client_type"),
                row.getString("token_endpoint_auth_method"), row.getString("client_secret_hash"),
                Rows.strings(row, "redirect_uris"), row.getString("status"), false);
    }
}
