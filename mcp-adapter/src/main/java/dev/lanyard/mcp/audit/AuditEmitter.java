package dev.lanyard.mcp.audit;

import dev.lanyard.mcp.http.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers tool-call audit records to the server, in order, without losing any. Request threads only hand a record
 * over ({@link #emit}: serialise and enqueue, never I/O). One background thread appends what arrived to the
 * {@link AuditSpool}, then sends the oldest unacknowledged records in batches; the spool position moves only when the
 * server answered 200. While the server is unreachable records accumulate in the spool and delivery is retried with
 * backoff; after a restart, delivery resumes from the spool. Resending a record the server already stored is harmless:
 * its id makes it a duplicate there.
 *
 * <p>A batch the server refuses as malformed (400) is split: records are then sent one at a time until past it, and a
 * record refused on its own is moved to {@code rejected.jsonl} beside the spool (and logged) so it cannot block the
 * records behind it forever.
 */
public final class AuditEmitter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AuditEmitter.class);

    /**
     * @param linger how long a batch smaller than {@code maxBatch} may wait for more records: under load this turns
     *               hundreds of one-record deliveries per second into a few full ones (one HTTP request, one
     *               transaction on the server) at the price of records reaching the trail up to that much later
     */
    public record Settings(int maxBatch, int queueCapacity, Duration minBackoff, Duration maxBackoff, Duration linger) {
        public static Settings defaults() {
            return new Settings(HttpAuditSink.MAX_BATCH, 100_000, Duration.ofMillis(100), Duration.ofSeconds(5),
                    Duration.ofMillis(50));
        }
    }

    private final AuditSpool spool;
    private final AuditSink sink;
    private final Settings settings;
    private final Path rejectedFile;
    private final LinkedBlockingQueue<byte[]> queue;
    /** Records handed over but not yet in the spool. */
    private final AtomicLong inMemory = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong failedAttempts = new AtomicLong();
    private final Thread thread;
    private volatile boolean stopping;
    /** True while the thread sleeps with nothing to do: the next record wakes it. */
    private volatile boolean idle;
    /**
     * Set while the delivery thread sleeps (or is about to): the first record that finds a reason to wake it clears
     * it and wakes it, the others do not — waking a thread that is already waking is a system call per record.
     */
    private final AtomicBoolean asleep = new AtomicBoolean();
    private long lastCycle;
    private AuditSpool.Position isolateUntil;

    public AuditEmitter(AuditSpool spool, Path rejectedFile, AuditSink sink, Settings settings) {
        this.spool = spool;
        this.sink = sink;
        this.settings = settings;
        this.rejectedFile = rejectedFile;
        this.queue = new LinkedBlockingQueue<>(settings.queueCapacity);
        this.thread = new Thread(this::run, "lanyard-audit-emitter");
        this.thread.setDaemon(true);
    }

    public AuditEmitter start() {
        thread.start();
        return this;
    }

    /**
     * Hands a record over. Never blocks: if the hand-over queue is full (the disk stalled for a long time) the record is
     * counted as dropped and logged, because blocking here would stall an event loop.
     */
    public boolean emit(ToolCallAuditRecord record) {
        byte[] json = Json.bytes(record);
        inMemory.incrementAndGet();
        if (!queue.offer(json)) {
            inMemory.decrementAndGet();
            dropped.incrementAndGet();
            LOG.error("audit record {} dropped: hand-over queue full ({} records)", record.id(), settings.queueCapacity);
            return false;
        }
        if ((idle || queue.size() >= settings.maxBatch) && asleep.get() && asleep.compareAndSet(true, false)) {
            // an idle emitter delivers a lone record at once; a busy one is only woken for a full batch
            LockSupport.unpark(thread);
        }
        return true;
    }

    /**
     * True when the hand-over queue is nearly full (the spool's disk is not keeping up): the guard then refuses new
     * tool calls, so that no call runs without room for its record. The last tenth of the queue (at most 10,000
     * records) stays free for the records of calls already running and of the refusals themselves.
     */
    public boolean congested() {
        return queue.remainingCapacity() < Math.min(10_000, Math.max(1, settings.queueCapacity / 10));
    }

    /** Records handed over that the server has not acknowledged yet (in memory or in the spool). */
    public long pending() {
        return inMemory.get() + spool.pending();
    }

    public long spooled() {
        return spool.pending();
    }

    public long delivered() {
        return delivered.get();
    }

    public long duplicates() {
        return duplicates.get();
    }

    public long rejected() {
        return rejected.get();
    }

    public long dropped() {
        return dropped.get();
    }

    public long failedAttempts() {
        return failedAttempts.get();
    }

    /** Waits (bounded) until every record handed over so far is acknowledged; true if that happened. */
    public boolean awaitDelivered(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (pending() > 0) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    /**
     * The delivery loop, in cycles: take everything handed over, append it to the spool with one fsync (group
     * commit), then send what the spool holds. Between cycles the thread sleeps for the linger — new records do not
     * wake it, so under load a cycle carries many records (one disk flush, one request) instead of one each — unless
     * it was idle (then the first record wakes it at once) or a full batch is waiting. Records are therefore durable
     * within about one linger of being handed over.
     */
    private void run() {
        long backoffNanos = 0;
        long nextAttempt = 0;
        List<byte[]> drained = new ArrayList<>();
        while (true) {
            try {
                long now = System.nanoTime();
                boolean nothingToDo = queue.isEmpty() && spool.pending() == 0;
                long wakeAt = nothingToDo ? now + TimeUnit.SECONDS.toNanos(1)
                        : Math.max(lastCycle + settings.linger.toNanos(), nextAttempt);
                if (!stopping && now < wakeAt && queue.size() < settings.maxBatch) {
                    idle = nothingToDo;
                    // announced before the queue is looked at again: a record offered after that look sees it
                    asleep.set(true);
                    if ((!nothingToDo || queue.isEmpty()) && queue.size() < settings.maxBatch) {
                        LockSupport.parkNanos(this, wakeAt - now);
                    }
                    asleep.set(false);
                    idle = false;
                    if (Thread.interrupted()) {
                        stopping = true;
                    }
                    continue;
                }
                lastCycle = now;
                queue.drainTo(drained);
                if (!drained.isEmpty()) {
                    spool.append(drained);
                    inMemory.addAndGet(-drained.size());
                    drained.clear();
                }
                if (stopping && queue.isEmpty()) {
                    if (spool.pending() > 0) {
                        sendOnce();
                    }
                    return;
                }
                if (spool.pending() > 0 && System.nanoTime() >= nextAttempt) {
                    // what the spool holds, batch after batch, until it is empty or a delivery fails — but a bounded
                    // number per cycle, so that catching up after an outage never starves the hand-over queue
                    boolean delivered = true;
                    for (int i = 0; delivered && spool.pending() > 0 && i < 20; i++) {
                        delivered = sendOnce();
                    }
                    if (delivered) {
                        backoffNanos = 0;
                        nextAttempt = 0;
                    } else {
                        backoffNanos = backoffNanos == 0 ? settings.minBackoff.toNanos()
                                : Math.min(backoffNanos * 2, settings.maxBackoff.toNanos());
                        nextAttempt = System.nanoTime() + backoffNanos;
                    }
                }
            } catch (RuntimeException e) {
                // a disk error: keep the thread alive, records stay in memory until the spool can take them
                LOG.error("audit spool error", e);
                sleepQuietly(settings.maxBackoff);
            }
        }
    }

    /** One delivery attempt of the oldest records; true if the spool moved forward. */
    private boolean sendOnce() {
        boolean isolating = isolateUntil != null;
        AuditSpool.Batch batch = spool.read(isolating ? 1 : settings.maxBatch);
        if (batch.isEmpty()) {
            return true;
        }
        AuditSink.Answer a = sink.deliver(batch.records());
        switch (a.result()) {
            case DELIVERED -> {
                spool.ack(batch.end(), batch.records().size());
                delivered.addAndGet(a.accepted());
                duplicates.addAndGet(a.duplicates());
                if (isolating && batch.end().compareTo(isolateUntil) >= 0) {
                    isolateUntil = null;
                }
                return true;
            }
            case REJECTED -> {
                if (batch.records().size() > 1) {
                    LOG.warn("audit batch of {} refused ({}); sending its records one by one", batch.records().size(), a.detail());
                    isolateUntil = batch.end();
                    return true;
                }
                quarantine(batch.records().get(0), a.detail());
                spool.ack(batch.end(), 1);
                if (isolating && batch.end().compareTo(isolateUntil) >= 0) {
                    isolateUntil = null;
                }
                return true;
            }
            default -> {
                long n = failedAttempts.incrementAndGet();
                if (n == 1 || n % 50 == 0) {
                    LOG.warn("audit records not delivered ({} spooled): {}", spool.pending(), a.detail());
                }
                return false;
            }
        }
    }

    private void quarantine(byte[] record, String why) {
        rejected.incrementAndGet();
        LOG.error("audit record refused by the server and set aside in {}: {}", rejectedFile, why);
        try {
            Files.write(rejectedFile, (new String(record, StandardCharsets.UTF_8) + "\n").getBytes(StandardCharsets.UTF_8),
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (java.io.IOException e) {
            LOG.error("could not set aside a refused audit record", e);
        }
    }

    private static void sleepQuietly(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops after moving everything handed over into the spool and one last delivery attempt. */
    @Override
    public void close() {
        stopping = true;
        LockSupport.unpark(thread);
        try {
            thread.join(15_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        spool.close();
    }
}
