package dev.lanyard.loadtest.scenario;

import io.vertx.core.Future;

import java.util.Map;

/**
 * {@code GET /health/live}: no database, no auth, no JSON work. Its throughput is the HTTP ceiling of this
 * machine for this server, the baseline every other scenario is divided by.
 */
public final class HealthLiveScenario implements Scenario {

    public static final String NAME = "health-live";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Future<RequestPlan> prepare(ScenarioContext context) {
        return Future.succeededFuture(RequestPlan.get("/health/live", Map.of()));
    }
}
