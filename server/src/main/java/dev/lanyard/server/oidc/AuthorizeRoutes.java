package dev.lanyard.server.oidc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lanyard.server.approvals.ApprovalsAuthHandler;
import dev.lanyard.server.audit.AuditLog;
import dev.lanyard.server.audit.AuditRecord;
import dev.lanyard.server.config.ServerConfig;
import dev.lanyard.server.directory.PasswordHasher;
import dev.lanyard.server.directory.Rows;
import dev.lanyard.server.http.Caller;
import dev.lanyard.server.http.Ids;
import dev.lanyard.server.keys.SigningKeys;
import dev.lanyard.server.oauth.OAuthException;
import dev.lanyard.server.oauth.TokenForm;
import dev.lanyard.server.store.Database;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.Cookie;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.sqlclient.Tuple;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The org server's interactive sign-in: {@code GET /oauth2/v1/authorize} (OIDC authorization code flow, PKCE S256
 * required) renders a login form; {@code POST /oauth2/v1/authorize/login} checks the directory user's password and
 * redirects back with {@code code}, {@code state} and {@code iss} (RFC 9207). An unknown client or an unregistered
 * redirect URI is shown as an error page and never redirected to. There is no single sign-on session: every
 * authorization request asks for the password.
 */
final class AuthorizeRoutes {
    static final String PATH = "/oauth2/v1/authorize";
    private static final Pattern PKCE_CHALLENGE = Pattern.compile("[A-Za-z0-9._~-]{43,128}");
    private static final Set<String> SCOPES = Set.of("openid", "profile", "email");
    private static final Set<String> SINGLE = Set.of("client_id", "redirect_uri", "response_type", "scope", "state",
            "nonce", "code_challenge", "code_challenge_method", "response_mode", "prompt", "login_hint", "max_age");
    private static final int MAX_PARAM = 2048;
    private static final String GENERIC_FAILURE = "The username or password is incorrect.";

    private final Vertx vertx;
    private final Database db;
    private final AuditLog audit;
    private final SigningKeys keys;
    private final ServerConfig config;
    private final LoginThrottle throttle;
    private final OrgClients clients;
    private final String approvalsResource;
    private final AuthorizationCodes codes = new AuthorizationCodes();
    private volatile FormState formState;
    private static volatile String dummyHash;

    AuthorizeRoutes(Vertx vertx, Database db, AuditLog audit, SigningKeys keys, ServerConfig config,
                    LoginThrottle throttle, OrgClients clients) {
        this.vertx = vertx;
        this.db = db;
        this.audit = audit;
        this.keys = keys;
        this.config = config;
        this.throttle = throttle;
        this.clients = clients;
        this.approvalsResource = ApprovalsAuthHandler.resourceUri(config.baseUrl());
    }

    void mount(Router router, Handler<RoutingContext> readinessGate) {
        router.get(PATH).handler(readinessGate).handler(this::authorize).failureHandler(AuthorizeRoutes::failure);
        router.post(PATH + "/login").handler(BodyHandler.create(false).setBodyLimit(16 * 1024))
                .handler(readinessGate).handler(this::login).failureHandler(AuthorizeRoutes::failure);
    }

    private FormState forms() {
        FormState f = formState;
        if (f == null) {
            f = new FormState(keys.masterKey().derive("signin-form-state"));
            formState = f;
        }
        return f;
    }

    // ---- GET /oauth2/v1/authorize

    private void authorize(RoutingContext ctx) {
        MultiMap q = ctx.queryParams();
        String clientId = q.get("client_id");
        String redirectUri = q.get("redirect_uri");
        if (q.getAll("client_id").size() > 1 || q.getAll("redirect_uri").size() > 1) {
            refusePage(ctx, clientId, "duplicate_parameter", "The client_id or redirect_uri parameter is repeated.");
            return;
        }
        if (clientId == null || clientId.isEmpty()) {
            refusePage(ctx, null, "missing_client_id", "The request has no client_id.");
            return;
        }
        clients.find(db.pool(), clientId).onFailure(ctx::fail).onSuccess(found -> {
            if (found.isEmpty() || !found.get().active()) {
                refusePage(ctx, clientId, "unknown_client", "The application is unknown or not active.");
                return;
            }
            SignOnApp app = found.get();
            if (redirectUri == null || !app.registered(redirectUri)) {
                refusePage(ctx, clientId, "redirect_uri_mismatch",
                        "The redirect_uri is not registered for this application.");
                return;
            }
            FormState.Pending pending;
            try {
                pending = validate(q, app, redirectUri);
            } catch (OAuthException e) {
                refuseRedirect(ctx, clientId, redirectUri, q.get("state"), e);
                return;
            }
            showForm(ctx, 200, app.name(), pending, q.get("login_hint"), null);
        });
    }

    /** Everything after client and redirect URI: refusals from here on go back to the client (RFC 6749 §4.1.2.1). */
    private FormState.Pending validate(MultiMap q, SignOnApp app, String redirectUri) {
        for (String name : q.names()) {
            if (q.getAll(name).size() > 1) {
                throw OAuthException.invalidRequest("parameter '" + Ids.sanitize(name) + "' is repeated");
            }
            if (!name.equals("resource") && q.get(name).length() > MAX_PARAM) {
                throw OAuthException.invalidRequest("parameter '" + Ids.sanitize(name) + "' is too long");
            }
        }
        if (q.contains("request") || q.contains("request_uri")) {
            throw new OAuthException(q.contains("request") ? "request_not_supported" : "request_uri_not_supported",
                    "request objects are not supported");
        }
        String responseType = q.get("response_type");
        if (responseType == null) {
            throw OAuthException.invalidRequest("response_type is required");
        }
        if (!responseType.equals("code")) {
            throw new OAuthException("unsupported_response_type", "only response_type=code is supported");
        }
        String mode = q.get("response_mode");
        if (mode != null && !mode.equals("query")) {
            throw OAuthException.invalidRequest("only response_mode=query is supported");
        }
        String scope = q.get("scope");
        LinkedHashSet<String> scopes = new LinkedHashSet<>();
        if (scope != null) {
            for (String s : scope.split(" ")) {
                if (!s.isEmpty()) {
                    scopes.add(s);
                }
            }
        }
        if (!scopes.contains("openid")) {
            throw new OAuthException("invalid_scope", "scope must include openid");
        }
        for (String s : scopes) {
            if (!SCOPES.contains(s) && !(app.console() && s.equals(ApprovalsAuthHandler.SCOPE))) {
                throw new OAuthException("invalid_scope", "scope '" + Ids.sanitize(s) + "' is not offered here");
            }
        }
        String challenge = q.get("code_challenge");
        if (challenge == null) {
            throw OAuthException.invalidRequest("code_challenge is required (PKCE with S256)");
        }
        if (!"S256".equals(q.get("code_challenge_method"))) {
            throw OAuthException.invalidRequest("code_challenge_method must be S256");
        }
        if (!PKCE_CHALLENGE.matcher(challenge).matches()) {
            throw OAuthException.invalidRequest("code_challenge is malformed");
        }
        if ("none".equals(q.get("prompt"))) {
            throw new OAuthException("login_required", "this server keeps no sign-in session; the user must sign in");
        }
        List<String> resources = new ArrayList<>();
        for (String r : q.getAll("resource")) {
            if (!absoluteWithoutFragment(r)) {
                throw new OAuthException("invalid_target", "resource must be an absolute URI without a fragment");
            }
            resources.add(r);
        }
        if (resources.size() > 10) {
            throw new OAuthException("invalid_target", "at most 10 resource parameters");
        }
        checkApprovalsResource(app, scopes, resources);
        return new FormState.Pending(app.id(), redirectUri, String.join(" ", scopes), q.get("state"), q.get("nonce"),
                challenge, List.copyOf(resources), null, 0);
    }

    /**
     * The approvals API as a resource (RFC 8707): only the console client may name it, and only with the scope
     * {@code lanyard.approvals}; that client names nothing else, since its access token is for the approvals API only.
     */
    private void checkApprovalsResource(SignOnApp app, Set<String> scopes, List<String> resources) {
        for (String r : resources) {
            if (app.console() && !r.equals(approvalsResource)) {
                throw new OAuthException("invalid_target", "this client may only ask for the resource "
                        + approvalsResource);
            }
            if (!app.console() && r.equals(approvalsResource)) {
                throw new OAuthException("invalid_target", "the resource " + approvalsResource
                        + " is offered only to the " + OrgClients.CONSOLE + " client");
            }
        }
        if (resources.contains(approvalsResource) && !scopes.contains(ApprovalsAuthHandler.SCOPE)) {
            throw new OAuthException("invalid_scope", "the resource " + approvalsResource + " needs the scope "
                    + ApprovalsAuthHandler.SCOPE);
        }
    }

    private static boolean absoluteWithoutFragment(String s) {
        try {
            URI u = new URI(s);
            return u.isAbsolute() && u.getFragment() == null && s.length() <= MAX_PARAM;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private void showForm(RoutingContext ctx, int status, String appName, FormState.Pending pending, String login,
                          String message) {
        String csrf = FormState.nonce();
        long expires = Instant.now().getEpochSecond() + FormState.LIFETIME_SECONDS;
        String sealed = forms().seal(pending.withCsrf(csrf, expires));
        ctx.response().addCookie(csrfCookie(csrf, FormState.LIFETIME_SECONDS));
        LoginPage.form(ctx, status, appName, sealed, csrf, login, message);
    }

    private Cookie csrfCookie(String value, long maxAge) {
        return Cookie.cookie(LoginPage.CSRF_COOKIE, value).setPath(PATH).setMaxAge(maxAge).setHttpOnly(true)
                .setSameSite(io.vertx.core.http.CookieSameSite.LAX)
                .setSecure(config.baseUrl().startsWith("https://"));
    }

    // ---- POST /oauth2/v1/authorize/login

    private void login(RoutingContext ctx) {
        TokenForm form;
        try {
            form = TokenForm.parse(ctx.request().getHeader("Content-Type"), ctx.body().buffer());
        } catch (OAuthException e) {
            refusePage(ctx, null, "malformed_form", "The sign-in form was not understood.");
            return;
        }
        Optional<FormState.Pending> opened = forms().open(form.get("authz").orElse(null));
        if (opened.isEmpty()) {
            refusePage(ctx, null, "form_expired", "This sign-in form has expired or was altered.");
            return;
        }
        FormState.Pending pending = opened.get();
        Cookie cookie = ctx.request().getCookie(LoginPage.CSRF_COOKIE);
        String token = form.get("csrf_token").orElse("");
        if (cookie == null || !constantEquals(cookie.getValue(), pending.csrf())
                || !constantEquals(token, pending.csrf())) {
            refusePage(ctx, pending.clientId(), "csrf", "This sign-in form could not be verified (missing or "
                    + "mismatched security token). Make sure cookies are enabled.", 403);
            return;
        }
        String login = form.get("username").orElse("").trim();
        String password = form.get("password").orElse("");
        clients.find(db.pool(), pending.clientId()).onFailure(ctx::fail).onSuccess(found -> {
            if (found.isEmpty() || !found.get().active() || !found.get().registered(pending.redirectUri())) {
                refusePage(ctx, pending.clientId(), "unknown_client", "The application is unknown or not active.");
                return;
            }
            SignOnApp app = found.get();
            if (login.isEmpty() || password.isEmpty() || login.length() > 256 || password.length() > 1024) {
                showForm(ctx, 400, app.name(), pending, login.length() > 256 ? "" : login,
                        "Enter your username and password.");
                return;
            }
            Caller caller = Caller.of(ctx);
            String limited = throttle.limited(login, caller.clientIp());
            if (limited != null) {
                audit.appendAlone(db.pool(), AuditRecord.of(caller, "user.login.rate_limited", login,
                                AuditRecord.DENY, AuditRecord.fields().put("login", login).put("limit", limited)
                                        .put("client_id", app.id())))
                        .onFailure(ctx::fail)
                        .onSuccess(e -> showForm(ctx, 429, app.name(), pending, login,
                                "Too many failed sign-in attempts. Wait 15 minutes and try again."));
                return;
            }
            checkPassword(login, password).onFailure(ctx::fail).onSuccess(result -> {
                if (result.userId() == null) {
                    throttle.failed(login, caller.clientIp());
                    audit.appendAlone(db.pool(), AuditRecord.of(caller, "user.login.failed",
                                    result.knownId() == null ? login : result.knownId(), AuditRecord.FAILURE,
                                    AuditRecord.fields().put("login", login).put("reason", result.reason())
                                            .put("client_id", app.id())))
                            .onFailure(ctx::fail)
                            .onSuccess(e -> showForm(ctx, 401, app.name(), pending, login, GENERIC_FAILURE));
                    return;
                }
                throttle.succeeded(login);
                issueCode(ctx, app, pending, result.userId(), login);
            });
        });
    }

    private record PasswordCheck(String userId, String knownId, String reason) {}

    /** Argon2id on a worker thread; an unknown login costs the same as a wrong password. */
    private Future<PasswordCheck> checkPassword(String login, String password) {
        return db.pool().preparedQuery("SELECT id, password_hash, status FROM users WHERE lower(login) = lower($1)")
                .execute(Tuple.of(login))
                .compose(rows -> {
                    var row = Rows.first(rows, r -> new String[] {r.getString("id"), r.getString("password_hash"),
                            r.getString("status")});
                    return vertx.executeBlocking(() -> {
                        if (row.isEmpty()) {
                            PasswordHasher.verify(password, dummyHash());
                            return new PasswordCheck(null, null, "unknown_user");
                        }
                        String[] u = row.get();
                        boolean ok;
                        if (u[1] != null) {
                            ok = PasswordHasher.verify(password, u[1]);
                        } else {
                            PasswordHasher.verify(password, dummyHash());
                            ok = false;
                        }
                        if (!ok) {
                            return new PasswordCheck(null, u[0], u[1] == null ? "no_password" : "bad_password");
                        }
                        if (!"ACTIVE".equals(u[2])) {
                            return new PasswordCheck(null, u[0], "user_" + u[2].toLowerCase(java.util.Locale.ROOT));
                        }
                        return new PasswordCheck(u[0], u[0], null);
                    }, false);
                });
    }

    private static String dummyHash() {
        String h = dummyHash;
        if (h == null) {
            h = PasswordHasher.hash("lanyard timing equaliser " + System.nanoTime());
            dummyHash = h;
        }
        return h;
    }

    private void issueCode(RoutingContext ctx, SignOnApp app, FormState.Pending pending, String userId, String login) {
        String code = AuthorizationCodes.newCode();
        String sessionId = Ids.next("ses");
        Caller caller = Caller.of(ctx);
        Instant authTime = Instant.now();
        int ttl = config.signIn().codeTtlSeconds();
        db.inTransaction(tx -> codes.insert(tx, code, pending, userId, authTime, ttl, sessionId)
                        .compose(v -> audit.append(tx, new AuditRecord("user.login.succeeded", userId, userId,
                                AuditRecord.SUCCESS, caller.requestId(), caller.clientIp(),
                                AuditRecord.fields().put("login", login).put("client_id", app.id()))))
                        .compose(e -> {
                            ObjectNode details = AuditRecord.fields().put("user_id", userId)
                                    .put("scope", pending.scope()).put("session_id", sessionId)
                                    .put("expires_in", ttl);
                            var res = details.putArray("resources");
                            pending.resources().forEach(res::add);
                            return audit.append(tx, new AuditRecord("oauth.code.issued", userId, app.id(),
                                    AuditRecord.SUCCESS, caller.requestId(), caller.clientIp(), details));
                        }))
                .onFailure(ctx::fail)
                .onSuccess(e -> {
                    Map<String, String> params = new LinkedHashMap<>();
                    params.put("code", code);
                    if (pending.state() != null) {
                        params.put("state", pending.state());
                    }
                    params.put("iss", config.baseUrl());
                    ctx.response().addCookie(csrfCookie("", 0));
                    redirect(ctx, pending.redirectUri(), params);
                });
    }

    // ---- refusals

    private void refusePage(RoutingContext ctx, String clientId, String reason, String message) {
        refusePage(ctx, clientId, reason, message, 400);
    }

    private void refusePage(RoutingContext ctx, String clientId, String reason, String message, int status) {
        auditRefusal(ctx, clientId, reason, null).onFailure(ctx::fail)
                .onSuccess(e -> LoginPage.error(ctx, status, "Sign-in request refused", message));
    }

    private void refuseRedirect(RoutingContext ctx, String clientId, String redirectUri, String state,
                                OAuthException e) {
        auditRefusal(ctx, clientId, e.error(), e.getMessage()).onFailure(ctx::fail).onSuccess(x -> {
            Map<String, String> params = new LinkedHashMap<>();
            params.put("error", e.error());
            params.put("error_description", e.getMessage());
            if (state != null) {
                params.put("state", state);
            }
            params.put("iss", config.baseUrl());
            redirect(ctx, redirectUri, params);
        });
    }

    private Future<?> auditRefusal(RoutingContext ctx, String clientId, String reason, String description) {
        String target = OrgClients.wellFormed(clientId) ? clientId : "unknown_client";
        ObjectNode details = AuditRecord.fields().put("reason", reason);
        if (description != null) {
            details.put("description", description);
        }
        return audit.appendAlone(db.pool(), AuditRecord.of(Caller.of(ctx), "oauth.authorize.refused", target,
                AuditRecord.DENY, details));
    }

    private static void redirect(RoutingContext ctx, String redirectUri, Map<String, String> params) {
        StringBuilder url = new StringBuilder(redirectUri).append(redirectUri.contains("?") ? '&' : '?');
        boolean first = true;
        for (Map.Entry<String, String> p : params.entrySet()) {
            if (!first) {
                url.append('&');
            }
            first = false;
            url.append(p.getKey()).append('=').append(URLEncoder.encode(p.getValue(), StandardCharsets.UTF_8));
        }
        ctx.response().setStatusCode(303).putHeader("Location", url.toString())
                .putHeader("Cache-Control", "no-store").putHeader("Referrer-Policy", "no-referrer").end();
    }

    private static boolean constantEquals(String a, String b) {
        return a != null && b != null && MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8),
                b.getBytes(StandardCharsets.UTF_8));
    }

    private static void failure(RoutingContext ctx) {
        if (ctx.statusCode() == 413) {
            LoginPage.error(ctx, 413, "Sign-in request refused", "The form is too large.");
            return;
        }
        Throwable f = ctx.failure();
        if (f instanceof dev.lanyard.server.http.ApiException api
                && api.code() == dev.lanyard.server.http.ErrorCode.SERVICE_UNAVAILABLE) {
            LoginPage.error(ctx, 503, "Temporarily unavailable", "The server is starting; try again shortly.");
            return;
        }
        org.slf4j.LoggerFactory.getLogger(AuthorizeRoutes.class).atError().setCause(f)
                .addKeyValue("request_id", Caller.of(ctx).requestId()).log("sign-in request failed");
        LoginPage.error(ctx, 500, "Something went wrong", "Internal error; quote request id "
                + Caller.of(ctx).requestId() + " when reporting it.");
    }
}
