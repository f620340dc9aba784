package dev.lanyard.server.oidc;

import dev.lanyard.server.http.Ids;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import java.util.List;
import java.util.Optional;

/**
 * The clients of the org authorization server: the directory's sign-on apps (table {@code apps}, ids {@code app_…})
 * and one built-in client, {@value #CONSOLE}, for people who decide approval requests. The console client is public
 * (no secret: a CLI or a local web page, RFC 8252), must use PKCE like every client here, may redirect to any loopback
 * URI and to the operator's {@code LANYARD_CONSOLE_REDIRECT_URIS}, and is the only client offered the scope
 * {@code lanyard.approvals}, whose access token is for the approvals API. It is no row of the apps table, so the
 * apps API neither lists nor changes it.
 */
final class OrgClients {
    static final String CONSOLE = "lanyard-console";
    private final SignOnApp console;

    OrgClients(List<String> consoleRedirectUris) {
        this.console = new SignOnApp(CONSOLE, "Lanyard console", "PUBLIC", "none", null, consoleRedirectUris,
                "ACTIVE", true);
    }

    Future<Optional<SignOnApp>> find(SqlClient db, String clientId) {
        return CONSOLE.equals(clientId) ? Future.succeededFuture(Optional.of(console)) : SignOnApp.find(db, clientId);
    }

    /** Whether {@code clientId} has the shape of a client id here (so it may name an audit event's target). */
    static boolean wellFormed(String clientId) {
        return CONSOLE.equals(clientId) || (clientId != null && Ids.isValid("app", clientId));
    }
}
