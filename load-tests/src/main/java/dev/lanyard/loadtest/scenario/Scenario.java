package dev.lanyard.loadtest.scenario;

import io.vertx.core.Future;

/**
 * One kind of request to put under load. {@link #prepare} runs once before the load (outside the measured
 * window) and creates whatever fixtures the request needs through the admin API.
 */
public interface Scenario {

    /** Short, stable name used in tables, JSON and chart legends. */
    String name();

    /** Creates fixtures and returns the request to repeat. */
    Future<RequestPlan> prepare(ScenarioContext context);
}
