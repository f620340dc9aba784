package dev.lanyard.loadtest.scenario;

import dev.lanyard.loadtest.engine.LoadSpec;
import io.vertx.core.Vertx;

/**
 * What a scenario may use while preparing: the Vert.x instance, an admin API client for the target server, and the
 * load about to be applied (scenarios that pre-compute request material size it from the warm-up, duration and rate).
 */
public record ScenarioContext(Vertx vertx, AdminApi admin, LoadSpec spec) {
}
