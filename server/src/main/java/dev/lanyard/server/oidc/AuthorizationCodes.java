package dev.lanyard.server.oidc;

import dev.lanyard.server.directory.Rows;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Authorization codes: 256 random bits, handed to the client once; only their SHA-256 is stored, with everything the
 * code is bound to. Consuming a code marks it used in the same statement that reads it, so it is redeemed at most once
 * even when two requests race. Used and expired codes stay an hour so that a replay is recognised as one.
 */
final class AuthorizationCodes {
    private static final SecureRandom RANDOM = new SecureRandom();

    record Code(String clientId, String redirectUri, String codeChallenge, String userId, String scope, String nonce,
                List<String> resources, Instant authTime, Instant expiresAt, String sessionId) {}

    static String newCode() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    static String hash(String code) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(code.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    Future<Void> insert(SqlClient tx, String code, FormState.Pending p, String userId, Instant authTime, int ttlSeconds,
                        String sessionId) {
        var now = Rows.now();
        return tx.preparedQuery("DELETE FROM authorization_codes WHERE expires_at < $1").execute(
                        Tuple.of(now.minusHours(1)))
                .compose(v -> tx.preparedQuery("INSERT INTO authorization_codes (code_hash, client_id, redirect_uri, "
                                + "code_challenge, user_id, scope, nonce, resources, auth_time, created, expires_at, session_id) "
                                + "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)")
                        .execute(Tuple.tuple().addString(hash(code)).addString(p.clientId()).addString(p.redirectUri())
                                .addString(p.codeChallenge()).addString(userId).addString(p.scope()).addString(p.nonce())
                                .addArrayOfString(p.resources().toArray(String[]::new))
                                .addOffsetDateTime(authTime.atOffset(ZoneOffset.UTC)).addOffsetDateTime(now)
                                .addOffsetDateTime(now.plusSeconds(ttlSeconds)).addString(sessionId)))
                .mapEmpty();
    }

    /** The code's bindings if it exists and was not used before; it is used from now on either way. */
    Future<Optional<Code>> consume(SqlClient tx, String codeHash) {
        return tx.preparedQuery("UPDATE authorization_codes SET used_at = $2 WHERE code_hash = $1 AND used_at IS NULL "
                        + "RETURNING client_id, redirect_uri, code_challenge, user_id, scope, nonce, resources, auth_time, "
                        + "expires_at, session_id")
                .execute(Tuple.of(codeHash, Rows.now())).map(rows -> Rows.first(rows, AuthorizationCodes::fromRow));
    }

    /** For a code that could not be consumed: the row if it exists (so it was used before), else empty. */
    Future<Optional<Code>> findUsed(SqlClient client, String codeHash) {
        return client.preparedQuery("SELECT client_id, redirect_uri, code_challenge, user_id, scope, nonce, resources, "
                        + "auth_time, expires_at, session_id FROM authorization_codes WHERE code_hash = $1 AND used_at IS NOT NULL")
                .execute(Tuple.of(codeHash)).map(rows -> Rows.first(rows, AuthorizationCodes::fromRow));
    }

    private static Code fromRow(Row r) {
        return new Code(r.getString("client_id"), r.getString("redirect_uri"), r.getString("code_challenge"),
                r.getString("user_id"), r.getString("scope"), r.getString("nonce"), Rows.strings(r, "resources"),
                Rows.instant(r, "auth_time"), Rows.instant(r, "expires_at"), r.getString("session_id"));
    }
}
