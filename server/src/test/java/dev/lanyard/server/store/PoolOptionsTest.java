package dev.lanyard.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.vertx.sqlclient.PoolOptions;
import org.junit.jupiter.api.Test;

/**
 * The pools must not arm an acquisition timer: in vertx-sql-client 5.0.10 that timer can race with the hand-over of a
 * connection and leave the pool handing out none (see {@link Database#poolOptions}). The race needs a timer firing
 * in a window of microseconds, so no test here reproduces it; this one keeps the timer from coming back unnoticed.
 */
class PoolOptionsTest {

    @Test
    void poolsWaitForAConnectionWithoutAnAcquisitionTimer() {
        PoolOptions options = Database.poolOptions(16);
        assertEquals(0, options.getConnectionTimeout());
        assertEquals(16, options.getMaxSize());
        assertFalse(options.isShared());
    }
}
