package dev.lanyard.server;

import dev.lanyard.server.store.Database;

/** What every HTTP verticle shares: the database, and whether start-up has finished. */
public final class LanyardState {
    private final Database database;
    private volatile boolean ready;
    private volatile String startupProblem;

    private final String metricsRegistry;

    public LanyardState(Database database, String metricsRegistry) {
        this.database = database;
        this.metricsRegistry = metricsRegistry;
    }

    public String metricsRegistry() {
        return metricsRegistry;
    }

    public Database database() {
        return database;
    }

    public boolean ready() {
        return ready;
    }

    void markReady() {
        this.startupProblem = null;
        this.ready = true;
    }

    void startupProblem(String problem) {
        this.startupProblem = problem;
    }

    public String startupProblem() {
        return startupProblem;
    }
}
