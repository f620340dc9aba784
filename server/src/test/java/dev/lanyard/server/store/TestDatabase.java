package dev.lanyard.server.store;

import dev.lanyard.server.TestDirs;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;

/**
 * A migrated embedded PostgreSQL with a Vert.x instance and both pools attached, for tests of one storage concern
 * without a whole server. One per test class: start it in {@code @BeforeAll}, close it in {@code @AfterAll}.
 */
public record TestDatabase(EmbeddedDatabase pg, Vertx vertx, Database db) implements AutoCloseable {

    /** @param prefix names the data directory, so a leftover one says which test made it */
    public static TestDatabase start(String prefix) throws Exception {
        EmbeddedDatabase pg = EmbeddedDatabase.start(TestDirs.create(prefix));
        Migrations.apply(pg.location());
        Vertx vertx = Vertx.vertx();
        Database db = Database.unattached(vertx);
        db.attach(pg.location());
        return new TestDatabase(pg, vertx, db);
    }

    /** The future's value, waiting at most 30 s. */
    public static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        await(db.close());
        await(vertx.close());
        pg.close();
    }
}
