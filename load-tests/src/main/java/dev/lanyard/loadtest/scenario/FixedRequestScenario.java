package dev.lanyard.loadtest.scenario;

import io.vertx.core.Future;

/** A scenario with no setup: the ad-hoc request given to the {@code run} command. */
public final class FixedRequestScenario implements Scenario {

    private final String name;
    private final RequestPlan plan;

    public FixedRequestScenario(String name, RequestPlan plan) {
        this.name = name;
        this.plan = plan;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Future<RequestPlan> prepare(ScenarioContext context) {
        return Future.succeededFuture(plan);
    }
}
