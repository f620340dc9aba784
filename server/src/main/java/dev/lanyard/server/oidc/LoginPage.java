package dev.lanyard.server.oidc;

import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;

/**
 * The server-rendered sign-in page and error page: plain HTML forms, no JavaScript, every interpolated value
 * escaped. Served with no-store, frame-ancestors 'none' and a CSP that allows no scripts.
 */
final class LoginPage {
    static final String CSRF_COOKIE = "lanyard_signin_csrf";

    private LoginPage() {}

    static Future<Void> form(RoutingContext ctx, int status, String appName, String sealedState, String csrf,
                             String login, String message) {
        String body = page("Sign in", "<h1>Sign in</h1>\n<p class=\"app\">to continue to <strong>" + esc(appName)
                + "</strong></p>\n"
                + (message == null ? "" : "<p class=\"error\" role=\"alert\">" + esc(message) + "</p>\n")
                + "<form method=\"post\" action=\"/oauth2/v1/authorize/login\">\n"
                + "<input type=\"hidden\" name=\"authz\" value=\"" + esc(sealedState) + "\">\n"
                + "<input type=\"hidden\" name=\"csrf_token\" value=\"" + esc(csrf) + "\">\n"
                + "<label for=\"username\">Username</label>\n"
                + "<input id=\"username\" name=\"username\" autocomplete=\"username\" required value=\""
                + esc(login == null ? "" : login) + "\">\n"
                + "<label for=\"password\">Password</label>\n"
                + "<input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required>\n"
                + "<button type=\"submit\">Sign in</button>\n</form>");
        return send(ctx, status, body);
    }

    static Future<Void> error(RoutingContext ctx, int status, String title, String message) {
        return send(ctx, status, page(title, "<h1>" + esc(title) + "</h1>\n<p class=\"error\">" + esc(message)
                + "</p>\n<p>Return to the application and start signing in again.</p>"));
    }

    private static Future<Void> send(RoutingContext ctx, int status, String html) {
        return ctx.response().setStatusCode(status)
                .putHeader("Content-Type", "text/html; charset=utf-8")
                .putHeader("Cache-Control", "no-store")
                .putHeader("Pragma", "no-cache")
                .putHeader("X-Frame-Options", "DENY")
                .putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("Referrer-Policy", "no-referrer")
                .putHeader("Content-Security-Policy",
                        "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'")
                .end(html);
    }

    private static String page(String title, String content) {
        return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                + "<title>" + esc(title) + " · Lanyard</title>\n<style>"
                + "body{font-family:system-ui,sans-serif;background:#f4f5f7;margin:0}"
                + "main{max-width:22rem;margin:4rem auto;background:#fff;padding:2rem;border-radius:8px;"
                + "box-shadow:0 1px 4px rgba(0,0,0,.15)}label{display:block;margin-top:1rem}"
                + "input{width:100%;box-sizing:border-box;padding:.5rem;margin-top:.25rem}"
                + "button{margin-top:1.5rem;width:100%;padding:.6rem}.error{color:#b00020}.app{color:#555}"
                + "</style>\n</head>\n<body>\n<main>\n" + content + "\n</main>\n</body>\n</html>\n";
    }

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}
