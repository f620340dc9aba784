package dev.lanyard.mcp.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanyard.mcp.audit.AuditEmitter;
import dev.lanyard.mcp.audit.AuditEmitterTest;
import dev.lanyard.mcp.support.LocalIssuer;
import dev.lanyard.mcp.support.TestGuard;
import dev.lanyard.mcp.token.VerifiedToken;
import java.nio.file.Path;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No tool call runs without room for its audit record: when the emitter's hand-over queue is nearly full (its disk
 * stalled), the guard refuses requests as unavailable, and serves them again once the records are spooled.
 */
class AuditBackPressureTest {
    @TempDir
    Path dir;

    @Test
    void aNearlyFullAuditQueueRefusesCallsUntilItDrains() throws Exception {
        // a queue of 100 keeps 10 free; the emitter is not started, so nothing leaves the queue yet
        try (TestGuard t = new TestGuard(dir, LocalIssuer.RESOURCE, 100, false)) {
            String bearer = "Bearer " + t.issuer.token("agt_backpressure", "tickets:read");
            AuditEmitter emitter = t.guard.emitter().orElseThrow();
            for (int i = 0; i < 90; i++) {
                t.guard.audit(AuditEmitterTest.record(i));
            }
            assertFalse(emitter.congested());
            VerifiedToken ok = t.guard.authenticate(bearer).toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertEquals("agt_backpressure", ok.subject());

            t.guard.audit(AuditEmitterTest.record(90));
            assertTrue(emitter.congested());
            Throwable refused = t.guard.authenticate(bearer).toCompletableFuture()
                    .handle((v, e) -> e instanceof CompletionException && e.getCause() != null ? e.getCause() : e)
                    .get(10, TimeUnit.SECONDS);
            Refusal r = assertInstanceOf(Refusal.class, refused);
            assertEquals(503, r.status());
            assertTrue(r.error().message().contains("audit records are not being written"), r.error().message());
            assertEquals(0, emitter.dropped(), "the refusal leaves the reserve for records already owed");

            emitter.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (emitter.congested() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertFalse(emitter.congested(), "the queue drains into the spool");
            assertEquals("agt_backpressure",
                    t.guard.authenticate(bearer).toCompletableFuture().get(10, TimeUnit.SECONDS).subject());
        }
    }
}
