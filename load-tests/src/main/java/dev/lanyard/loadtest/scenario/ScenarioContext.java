package dev.lanyard.loadtest.scenario;

import io.vertx.core.Vertx;

/** What a scenario may use while preparing: the Vert.x instance and an admin API client for the target server. */
public record ScenarioContext(Vertx vertx, AdminApi admin) {
}
