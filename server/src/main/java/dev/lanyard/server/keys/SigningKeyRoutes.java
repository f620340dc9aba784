package dev.lanyard.server.keys;

import dev.lanyard.server.http.ApiException;
import dev.lanyard.server.http.ApiRouter;
import dev.lanyard.server.http.Caller;
import dev.lanyard.server.http.Ids;
import dev.lanyard.server.http.Responses;
import dev.lanyard.server.oauth.TokenSigner;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code /api/v1/signing-keys/{serverId}} ({@code org} or {@code aus_…}): list a server's signing keys (public parts
 * and lifecycle only) and rotate them.
 */
public final class SigningKeyRoutes {
    private final SigningKeys keys;

    public SigningKeyRoutes(SigningKeys keys) {
        this.keys = keys;
    }

    public void mount(ApiRouter api) {
        api.get("/signing-keys/:serverId").handler(ctx ->
                Responses.reply(ctx, keys.list(serverId(ctx)).compose(list -> Responses.ok(ctx, list))));
        api.post("/signing-keys/:serverId/rotate").handler(ctx ->
                Responses.reply(ctx, keys.rotate(serverId(ctx), Caller.of(ctx)).compose(k -> Responses.json(ctx, 201, k))));
    }

    private static String serverId(RoutingContext ctx) {
        String id = ctx.pathParam("serverId");
        if (TokenSigner.ORG.equals(id) || Ids.isValid("aus", id)) {
            return id;
        }
        throw ApiException.notFound("authorization server " + Ids.sanitize(id == null ? "" : id));
    }
}
