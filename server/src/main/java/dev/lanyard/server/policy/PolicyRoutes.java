package dev.lanyard.server.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lanyard.server.http.ApiRouter;
import dev.lanyard.server.http.Responses;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /api/v1/policies}: the revision being served (content hash, load time, source, files, tests) and, if the
 * latest change was refused, why. {@code POST /api/v1/policies/reload} re-reads the policy directory at once.
 */
public final class PolicyRoutes {
    private final PolicyDecisionPoint pdp;

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record View(@JsonProperty("active") PolicyRevision active,
                @JsonProperty("last_rejection") PolicyDecisionPoint.Rejection lastRejection) {}

    public PolicyRoutes(PolicyDecisionPoint pdp) {
        this.pdp = pdp;
    }

    public void mount(ApiRouter api) {
        api.get("/policies").handler(this::show);
        api.post("/policies/reload").handler(ctx -> Responses.reply(ctx, pdp.reload().compose(r -> Responses.ok(ctx, view()))));
    }

    private void show(RoutingContext ctx) {
        Responses.reply(ctx, Responses.ok(ctx, view()));
    }

    private View view() {
        return new View(pdp.revision(), pdp.lastRejection());
    }
}
