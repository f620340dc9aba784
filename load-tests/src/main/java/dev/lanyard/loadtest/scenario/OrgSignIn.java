package dev.lanyard.loadtest.scenario;

import com.nimbusds.jwt.SignedJWT;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Signs a directory user in at the org server the way a browser does (the server's {@code SignIn} test driver does
 * the same): open the authorization request, submit the HTML login form with its hidden fields and CSRF cookie,
 * follow nothing but read the 303's code, redeem it with PKCE and the app's secret. The result is a real ID token,
 * the subject token of an ID-JAG exchange.
 */
final class OrgSignIn {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String CSRF_COOKIE = "lanyard_signin_csrf";

    /** An ID token and when it expires (read from its claims; the token itself is never printed). */
    record IdToken(String value, Instant expiry) {
    }

    private final PlainHttp http;

    OrgSignIn(PlainHttp http) {
        this.http = http;
    }

    Future<IdToken> idToken(TokenFixtures.App app, String login, String password) {
        String verifier = verifier();
        Map<String, String> query = new LinkedHashMap<>();
        query.put("response_type", "code");
        query.put("client_id", app.id());
        query.put("redirect_uri", TokenFixtures.REDIRECT_URI);
        query.put("scope", "openid profile email");
        query.put("state", "st-" + UUID.randomUUID());
        query.put("nonce", "n-" + UUID.randomUUID());
        query.put("code_challenge", challenge(verifier));
        query.put("code_challenge_method", "S256");
        return http.get("/oauth2/v1/authorize?" + FormBody.encode(query), Map.of())
                .compose(page -> {
                    expect(page, 200, "GET /oauth2/v1/authorize");
                    String cookie = page.headers().getAll("Set-Cookie").stream()
                            .filter(c -> c.startsWith(CSRF_COOKIE + "="))
                            .map(c -> c.indexOf(';') < 0 ? c : c.substring(0, c.indexOf(';')))
                            .findFirst()
                            .orElseThrow(() -> new IllegalStateException("login page set no " + CSRF_COOKIE + " cookie"));
                    Map<String, String> form = new LinkedHashMap<>();
                    form.put("authz", hidden(page.body(), "authz"));
                    form.put("csrf_token", hidden(page.body(), "csrf_token"));
                    form.put("username", login);
                    form.put("password", password);
                    return http.postForm("/oauth2/v1/authorize/login", form, Map.of("Cookie", cookie));
                })
                .compose(login303 -> {
                    expect(login303, 303, "POST /oauth2/v1/authorize/login");
                    String code = codeFrom(login303.headers().get("Location"));
                    Map<String, String> form = new LinkedHashMap<>();
                    form.put("grant_type", "authorization_code");
                    form.put("code", code);
                    form.put("redirect_uri", TokenFixtures.REDIRECT_URI);
                    form.put("code_verifier", verifier);
                    String basic = Base64.getEncoder().encodeToString(
                            (app.id() + ":" + app.secret()).getBytes(StandardCharsets.UTF_8));
                    return http.postForm("/oauth2/v1/token", form, Map.of("Authorization", "Basic " + basic));
                })
                .map(tokens -> {
                    expect(tokens, 200, "POST /oauth2/v1/token (authorization_code)");
                    String idToken = new JsonObject(tokens.body()).getString("id_token");
                    if (idToken == null) {
                        throw new IllegalStateException("the code redemption returned no id_token");
                    }
                    return new IdToken(idToken, expiryOf(idToken));
                });
    }

    private static void expect(PlainHttp.Answer answer, int status, String what) {
        if (answer.status() != status) {
            // Only failed answers are quoted: they carry an error, not a token.
            throw new IllegalStateException(what + " answered " + answer.status() + " (expected " + status + "): "
                    + answer.excerpt());
        }
    }

    /** The value of a hidden form field, with the HTML escaping of {@code &} undone. */
    static String hidden(String html, String name) {
        Matcher m = Pattern.compile("name=\"" + Pattern.quote(name) + "\" value=\"([^\"]*)\"").matcher(html);
        if (!m.find()) {
            throw new IllegalStateException("login page has no hidden field '" + name + "'");
        }
        return m.group(1).replace("&amp;", "&");
    }

    static String codeFrom(String location) {
        if (location == null || !location.startsWith(TokenFixtures.REDIRECT_URI + "?")) {
            throw new IllegalStateException("sign-in did not redirect to the app's redirect URI");
        }
        for (String pair : URI.create(location).getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals("code")) {
                return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        throw new IllegalStateException("sign-in redirect carries no code");
    }

    private static Instant expiryOf(String idToken) {
        try {
            return SignedJWT.parse(idToken).getJWTClaimsSet().getExpirationTime().toInstant();
        } catch (java.text.ParseException | NullPointerException e) {
            throw new IllegalStateException("the id_token is not a JWT with exp", e);
        }
    }

    private static String verifier() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    static String challenge(String verifier) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
