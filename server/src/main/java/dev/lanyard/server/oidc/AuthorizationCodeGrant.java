package dev.lanyard.server.oidc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.lanyard.server.approvals.ApprovalsAuthHandler;
import dev.lanyard.server.audit.AuditLog;
import dev.lanyard.server.audit.AuditRecord;
import dev.lanyard.server.directory.Rows;
import dev.lanyard.server.http.Ids;
import dev.lanyard.server.keys.SigningKeys;
import dev.lanyard.server.oauth.IssuedToken;
import dev.lanyard.server.oauth.OAuthException;
import dev.lanyard.server.oauth.OAuthUris;
import dev.lanyard.server.oauth.TokenRegistry;
import dev.lanyard.server.oauth.TokenSigner;
import dev.lanyard.server.store.Database;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.regex.Pattern;

/**
 * {@code grant_type=authorization_code} at the org server (RFC 6749 §4.1.3, PKCE RFC 7636, OIDC Core §3.1.3): the
 * code is consumed first (so a failed attempt burns it too), then checked against the client, redirect URI and
 * PKCE verifier it is bound to. A replayed code is refused, audited, and the tokens already issued from it are
 * revoked (RFC 6749 §4.1.2). Issues an ID token ({@code typ JWT}, audience = the app) and an access token
 * ({@code typ at+jwt}), both signed with the org key and recorded in the token registry. The access token is a short
 * one for the userinfo endpoint — except when the console client was granted {@code lanyard.approvals}: then it is
 * for the approvals API ({@code aud} = its resource indicator, scope {@code lanyard.approvals} alone), and never
 * for userinfo, so each token opens exactly one door.
 */
public final class AuthorizationCodeGrant {
    public static final long ID_TOKEN_SECONDS = 3600;
    public static final long ACCESS_TOKEN_SECONDS = 300;
    /**
     * A person deciding approvals signs in with a password each time (no sign-in session, no refresh token), so their
     * token lasts a working spell rather than minutes; it is checked against the registry on every request, so
     * revocation and suspension do not wait for it to expire.
     */
    public static final long APPROVALS_TOKEN_SECONDS = 900;
    private static final Pattern VERIFIER = Pattern.compile("[A-Za-z0-9._~-]{43,128}");
    private static final String INVALID = "the authorization code is invalid, expired, already used, or was issued "
            + "to another client or redirect URI";

    private final Vertx vertx;
    private final Database db;
    private final AuditLog audit;
    private final SigningKeys keys;
    private final String issuer;
    private final String approvalsResource;
    private final OrgClients clients;
    private final AuthorizationCodes codes = new AuthorizationCodes();
    private final TokenRegistry registry = new TokenRegistry();

    AuthorizationCodeGrant(Vertx vertx, Database db, AuditLog audit, SigningKeys keys, String baseUrl,
                           OrgClients clients) {
        this.vertx = vertx;
        this.db = db;
        this.audit = audit;
        this.keys = keys;
        this.issuer = baseUrl;
        this.approvalsResource = ApprovalsAuthHandler.resourceUri(baseUrl);
        this.clients = clients;
    }

    /** What the code's access token is for: its audience, scope and lifetime. */
    private record AccessTokenFor(String audience, String scope, long seconds) {}

    private AccessTokenFor accessTokenFor(SignOnApp app, AuthorizationCodes.Code c) {
        if (app.console() && Arrays.asList(c.scope().split(" ")).contains(ApprovalsAuthHandler.SCOPE)) {
            return new AccessTokenFor(approvalsResource, ApprovalsAuthHandler.SCOPE, APPROVALS_TOKEN_SECONDS);
        }
        return new AccessTokenFor(userinfoAudience(issuer), c.scope(), ACCESS_TOKEN_SECONDS);
    }

    public static String userinfoAudience(String baseUrl) {
        return baseUrl + "/oauth2/v1/userinfo";
    }

    /**
     * Redeems a code for {@code clientId}. {@code clientAuthenticated}: the caller has already authenticated the
     * client (confidential apps must be). {@code resource} (RFC 8707 §2.2, optional) must name what the access token
     * is for. Fails with {@link OAuthException} ({@code invalid_request}, {@code invalid_client},
     * {@code invalid_grant}, {@code invalid_target}).
     */
    public Future<JsonObject> redeem(String clientId, boolean clientAuthenticated, String code, String redirectUri,
                                     String codeVerifier, String resource) {
        if (code == null || code.isEmpty()) {
            return Future.failedFuture(OAuthException.invalidRequest("parameter 'code' is required"));
        }
        if (redirectUri == null || redirectUri.isEmpty()) {
            return Future.failedFuture(OAuthException.invalidRequest("parameter 'redirect_uri' is required"));
        }
        if (codeVerifier == null || codeVerifier.isEmpty()) {
            return Future.failedFuture(OAuthException.invalidRequest("parameter 'code_verifier' is required (PKCE)"));
        }
        return clients.find(db.pool(), clientId).compose(found -> {
            if (found.isEmpty() || !found.get().active()) {
                return Future.failedFuture(OAuthException.invalidClient("unknown or inactive client"));
            }
            SignOnApp app = found.get();
            if (app.confidential() && !clientAuthenticated) {
                return Future.failedFuture(OAuthException.invalidClient("this client must authenticate"));
            }
            String hash = AuthorizationCodes.hash(code);
            return db.inTransaction(tx -> codes.consume(tx, hash)).compose(consumed -> {
                if (consumed.isEmpty()) {
                    return replayedOrUnknown(clientId, hash);
                }
                AuthorizationCodes.Code c = consumed.get();
                String problem = check(c, clientId, redirectUri, codeVerifier);
                if (problem != null) {
                    return refuse(clientId, problem, c.userId(), OAuthException.invalidGrant(INVALID));
                }
                AccessTokenFor purpose = accessTokenFor(app, c);
                if (resource != null && !resource.equals(purpose.audience())) {
                    return refuse(clientId, "resource_not_granted", c.userId(), new OAuthException("invalid_target",
                            "this code grants an access token for " + purpose.audience() + " only"));
                }
                return issue(app, c, purpose);
            });
        });
    }

    private static String check(AuthorizationCodes.Code c, String clientId, String redirectUri, String verifier) {
        if (!c.expiresAt().isAfter(Instant.now())) {
            return "expired";
        }
        if (!c.clientId().equals(clientId)) {
            return "other_client";
        }
        if (!c.redirectUri().equals(redirectUri)) {
            return "redirect_uri_mismatch";
        }
        if (!VERIFIER.matcher(verifier).matches() || !MessageDigest.isEqual(
                s256(verifier).getBytes(StandardCharsets.US_ASCII), c.codeChallenge().getBytes(StandardCharsets.US_ASCII))) {
            return "pkce_verifier_mismatch";
        }
        return null;
    }

    static String s256(String verifier) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private <T> Future<T> refuse(String clientId, String reason, String userId, OAuthException answer) {
        ObjectNode details = AuditRecord.fields().put("reason", reason).put("user_id", userId);
        return audit.appendAlone(db.pool(), new AuditRecord("oauth.code.refused", clientId, clientId,
                        AuditRecord.DENY, null, null, details))
                .compose(e -> Future.failedFuture(answer));
    }

    private <T> Future<T> replayedOrUnknown(String clientId, String hash) {
        return codes.findUsed(db.pool(), hash).compose(used -> {
            if (used.isEmpty()) {
                return Future.failedFuture(OAuthException.invalidGrant(INVALID));
            }
            AuthorizationCodes.Code c = used.get();
            return db.inTransaction(tx -> tx.preparedQuery("UPDATE issued_tokens SET revoked_at = $2, "
                                    + "revoked_reason = 'authorization_code_replayed' "
                                    + "WHERE session_id = $1 AND revoked_at IS NULL")
                            .execute(Tuple.of(c.sessionId(), Rows.now()))
                            .compose(rows -> audit.append(tx, new AuditRecord("oauth.code.replayed", clientId,
                                    c.clientId(), AuditRecord.DENY, null, null, AuditRecord.fields()
                                    .put("user_id", c.userId()).put("session_id", c.sessionId())
                                    .put("presented_by", clientId).put("tokens_revoked", rows.rowCount())))))
                    .compose(e -> Future.failedFuture(OAuthException.invalidGrant(INVALID)));
        });
    }

    private Future<JsonObject> issue(SignOnApp app, AuthorizationCodes.Code c, AccessTokenFor purpose) {
        return db.pool().preparedQuery("SELECT login, email, display_name, status FROM users WHERE id = $1")
                .execute(Tuple.of(c.userId())).compose(rows -> {
                    var it = rows.iterator();
                    var user = it.hasNext() ? it.next() : null;
                    if (user == null || !"ACTIVE".equals(user.getString("status"))) {
                        return refuse(app.id(), "user_not_active", c.userId(), OAuthException.invalidGrant(INVALID));
                    }
                    Instant now = Instant.now();
                    String idJti = Ids.sortable("jti");
                    String atJti = Ids.sortable("jti");
                    Instant idExp = now.plusSeconds(ID_TOKEN_SECONDS);
                    Instant atExp = now.plusSeconds(purpose.seconds());
                    JWTClaimsSet.Builder id = new JWTClaimsSet.Builder()
                            .issuer(issuer).subject(c.userId()).audience(app.id())
                            .expirationTime(Date.from(idExp)).issueTime(Date.from(now)).jwtID(idJti)
                            .claim("auth_time", c.authTime().getEpochSecond())
                            .claim("azp", app.id())
                            .claim("email", user.getString("email"))
                            .claim("name", user.getString("display_name"))
                            .claim("preferred_username", user.getString("login"));
                    if (c.nonce() != null) {
                        id.claim("nonce", c.nonce());
                    }
                    JWTClaimsSet at = new JWTClaimsSet.Builder()
                            .issuer(issuer).subject(c.userId()).audience(purpose.audience())
                            .expirationTime(Date.from(atExp)).issueTime(Date.from(now)).jwtID(atJti)
                            .claim("client_id", app.id()).claim("scope", purpose.scope())
                            .claim("auth_time", c.authTime().getEpochSecond())
                            .build();
                    JWTClaimsSet idClaims = id.build();
                    // two signatures (≈ 0.1 ms each for ES256, ≈ 1 ms for RS256): on the worker pool, never the event loop
                    return vertx.executeBlocking(() -> new String[] {
                            keys.sign(TokenSigner.ORG, JOSEObjectType.JWT, idClaims),
                            keys.sign(TokenSigner.ORG, new JOSEObjectType(OAuthUris.TYP_ACCESS_TOKEN), at)}, false)
                            .compose(signed -> redeemed(app.id(), c, purpose, idJti, atJti, now, idExp, atExp,
                                    signed[0], signed[1]));
                });
    }

    private Future<JsonObject> redeemed(String appId, AuthorizationCodes.Code c, AccessTokenFor purpose,
                                        String idJti, String atJti, Instant now, Instant idExp, Instant atExp,
                                        String idToken, String accessToken) {
        return db.inTransaction(tx -> record(tx, "ID_TOKEN", idJti, appId, c, appId, c.scope(), now, idExp)
                        .compose(v -> record(tx, "ACCESS_TOKEN", atJti, appId, c, purpose.audience(), purpose.scope(),
                                now, atExp))
                        .compose(v -> audit.append(tx, new AuditRecord("oauth.code.redeemed", appId,
                                c.userId(), AuditRecord.SUCCESS, null, null, AuditRecord.fields()
                                .put("client_id", appId).put("scope", c.scope())
                                .put("session_id", c.sessionId()).put("id_token_jti", idJti)
                                .put("access_token_jti", atJti).put("access_token_audience", purpose.audience())))))
                // RFC 6749 §5.1: scope is the access token's
                .map(e -> new JsonObject()
                        .put("access_token", accessToken)
                        .put("token_type", "Bearer")
                        .put("expires_in", purpose.seconds())
                        .put("id_token", idToken)
                        .put("scope", purpose.scope()));
    }

    private Future<Void> record(SqlClient tx, String kind, String jti, String clientId, AuthorizationCodes.Code c,
                                String audience, String scope, Instant issued, Instant expires) {
        return registry.record(tx, new IssuedToken(jti, kind, TokenSigner.ORG, clientId, null, null, c.userId(), null,
                c.sessionId(), c.userId(), audience, scope, issued, expires));
    }
}
