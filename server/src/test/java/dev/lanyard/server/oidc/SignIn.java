package dev.lanyard.server.oidc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanyard.server.TestServer;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A browser-like driver of the org server's sign-in over real HTTP (no redirects followed, cookies kept by hand),
 * plus fixtures (apps and authorization servers inserted with SQL).
 */
public final class SignIn {
    static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10)).build();
    public static final String REDIRECT = "https://app.example.com/callback";
    public static final String PASSWORD = "correct horse battery staple";
    /** The built-in client for people deciding approvals, and the scope of its approvals-API token. */
    public static final String CONSOLE = "lanyard-console";
    public static final String APPROVALS_SCOPE = "lanyard.approvals";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final TestServer server;

    public SignIn(TestServer server) {
        this.server = server;
    }

    public record App(String id, String secret) {}

    /** A CONFIDENTIAL client_secret_basic app (secret set) or a PUBLIC one (secret null). */
    public App app(boolean confidential, String... redirectUris) {
        String id = "app_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
        String secret = confidential ? "secret-" + UUID.randomUUID() : null;
        try (Connection c = server.jdbc(); PreparedStatement st = c.prepareStatement(
                "INSERT INTO apps (id, name, client_type, token_endpoint_auth_method, client_secret_hash, redirect_uris, "
                        + "status, created, updated, created_by) VALUES (?, ?, ?, ?, ?, ?, 'ACTIVE', now(), now(), 'test')")) {
            st.setString(1, id);
            st.setString(2, "Test app " + id);
            st.setString(3, confidential ? "CONFIDENTIAL" : "PUBLIC");
            st.setString(4, confidential ? "client_secret_basic" : "none");
            st.setString(5, secret == null ? null : sha256Hex(secret));
            st.setArray(6, c.createArrayOf("text", redirectUris.length == 0 ? new String[] {REDIRECT} : redirectUris));
            st.executeUpdate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return new App(id, secret);
    }

    /** An authorization server with one resource carrying {@code scopes}. */
    String authServer(String status, String... scopes) {
        String id = "aus_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
        try (Connection c = server.jdbc()) {
            try (PreparedStatement st = c.prepareStatement("INSERT INTO authorization_servers (id, name, "
                    + "access_token_ttl_seconds, status, created, updated, created_by) VALUES (?, ?, 600, ?, now(), now(), 'test')")) {
                st.setString(1, id);
                st.setString(2, "AS " + id);
                st.setString(3, status);
                st.executeUpdate();
            }
            try (PreparedStatement st = c.prepareStatement("INSERT INTO resources (id, server_id, uri, name, scopes, tags, "
                    + "created, updated) VALUES (?, ?, ?, ?, ?, '{}', now(), now())")) {
                st.setString(1, "res_" + id.substring(4));
                st.setString(2, id);
                st.setString(3, "https://mcp.example.com/" + id);
                st.setString(4, "MCP " + id);
                st.setArray(5, c.createArrayOf("text", scopes));
                st.executeUpdate();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return id;
    }

    static String sha256Hex(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    public static String verifier() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    public static String challenge(String verifier) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The query of a standard authorization request. */
    public static Map<String, String> request(String clientId, String verifier) {
        Map<String, String> q = new LinkedHashMap<>();
        q.put("response_type", "code");
        q.put("client_id", clientId);
        q.put("redirect_uri", REDIRECT);
        q.put("scope", "openid profile email");
        q.put("state", "st-" + UUID.randomUUID());
        q.put("nonce", "n-" + UUID.randomUUID());
        q.put("code_challenge", challenge(verifier));
        q.put("code_challenge_method", "S256");
        return q;
    }

    static String encode(Map<String, String> params) {
        StringBuilder sb = new StringBuilder();
        params.forEach((k, v) -> {
            if (sb.length() > 0) {
                sb.append('&');
            }
            sb.append(URLEncoder.encode(k, StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(v, StandardCharsets.UTF_8));
        });
        return sb.toString();
    }

    HttpResponse<String> get(String pathAndQuery, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.baseUrl() + pathAndQuery)).GET();
        headers.forEach(b::header);
        return send(b);
    }

    HttpResponse<String> postForm(String path, Map<String, String> form, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(encode(form)));
        headers.forEach(b::header);
        return send(b);
    }

    static HttpResponse<String> send(HttpRequest.Builder b) {
        try {
            return HTTP.send(b.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The login form as a browser holds it: hidden fields and the CSRF cookie. */
    record Form(int status, String html, String authz, String csrfToken, String cookie) {}

    Form open(Map<String, String> query) {
        return form(get("/oauth2/v1/authorize?" + encode(query), Map.of()));
    }

    static Form form(HttpResponse<String> r) {
        String cookie = r.headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith("lanyard_signin_csrf=")).findFirst()
                .map(c -> c.substring(0, c.indexOf(';'))).orElse(null);
        return new Form(r.statusCode(), r.body(), hidden(r.body(), "authz"), hidden(r.body(), "csrf_token"), cookie);
    }

    private static String hidden(String html, String name) {
        Matcher m = Pattern.compile("name=\"" + name + "\" value=\"([^\"]*)\"").matcher(html);
        return m.find() ? m.group(1).replace("&amp;", "&") : null;
    }

    HttpResponse<String> submit(Form f, String username, String password) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("authz", f.authz());
        form.put("csrf_token", f.csrfToken());
        form.put("username", username);
        form.put("password", password);
        return postForm("/oauth2/v1/authorize/login", form, f.cookie() == null ? Map.of() : Map.of("Cookie", f.cookie()));
    }

    /** The query parameters of a redirect's Location. */
    static Map<String, String> redirectParams(HttpResponse<String> r) {
        String location = r.headers().firstValue("Location").orElse(null);
        assertNotNull(location, "no Location: " + r.statusCode() + " " + r.body());
        URI uri = URI.create(location);
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : uri.getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    /** Signs {@code login} in and returns the redirect's parameters (code, state, iss). */
    public Map<String, String> code(Map<String, String> query, String login) {
        Form f = open(query);
        assertEquals(200, f.status(), f.html());
        HttpResponse<String> r = submit(f, login, PASSWORD);
        assertEquals(303, r.statusCode(), r.body());
        assertEquals(true, r.headers().firstValue("Location").orElse("").startsWith(query.get("redirect_uri") + "?"));
        return redirectParams(r);
    }

    /** A console sign-in request on a loopback redirect URI on some port (RFC 8252 §7.3) asking for {@code scope}. */
    public static Map<String, String> consoleRequest(String verifier, String scope) {
        Map<String, String> q = request(CONSOLE, verifier);
        q.put("redirect_uri", "http://127.0.0.1:" + (49152 + RANDOM.nextInt(16000)) + "/callback");
        q.put("scope", scope);
        return q;
    }

    /** The approvals API's resource indicator on this server. */
    public String approvalsResource() {
        return server.baseUrl() + "/api/v1/approvals";
    }

    /**
     * {@code login} signs in at the login form with the console client (code + PKCE, {@code resource} = the approvals
     * API when {@code scope} asks for it) and the code is redeemed: the token response.
     */
    public JsonNode consoleTokens(String login, String scope) {
        String verifier = verifier();
        Map<String, String> q = consoleRequest(verifier, scope);
        if (scope.contains(APPROVALS_SCOPE)) {
            q.put("resource", approvalsResource());
        }
        Map<String, String> back = code(q, login);
        HttpResponse<String> token = redeem(new App(CONSOLE, null), back.get("code"), q.get("redirect_uri"), verifier);
        assertEquals(200, token.statusCode(), token.body());
        try {
            return dev.lanyard.server.Api.JSON.readTree(token.body());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An access token for the approvals API, {@code login} having signed in with the console client. */
    public String approvalsToken(String login) {
        return consoleTokens(login, "openid " + APPROVALS_SCOPE).path("access_token").asText();
    }

    public HttpResponse<String> redeem(App app, String code, String redirectUri, String verifier) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", code);
        form.put("redirect_uri", redirectUri);
        form.put("code_verifier", verifier);
        Map<String, String> headers = new LinkedHashMap<>();
        if (app.secret() != null) {
            headers.put("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    (app.id() + ":" + app.secret()).getBytes(StandardCharsets.UTF_8)));
        } else {
            form.put("client_id", app.id());
        }
        return postForm("/oauth2/v1/token", form, headers);
    }
}
