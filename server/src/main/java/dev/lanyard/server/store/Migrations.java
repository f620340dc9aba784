package dev.lanyard.server.store;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Versioned schema migrations (src/main/resources/db/migration), applied at start; a second run is a no-op. */
public final class Migrations {
    private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

    private Migrations() {}

    public static void apply(DatabaseLocation db) {
        MigrateResult result = Flyway.configure()
                .dataSource(db.jdbcUrl(), db.user(), db.password())
                .locations("classpath:db/migration")
                .loggers("slf4j")
                .load()
                .migrate();
        LOG.info("schema at version {} ({} migrations applied now)", result.targetSchemaVersion, result.migrationsExecuted);
    }
}
