package dev.lanyard.server.http;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Writes access-log lines to standard output in batches, from one background thread that wakes every
 * {@value #PERIOD_MILLIS} ms. The event loops only queue a line. A logging framework's asynchronous appender hands
 * over each line through a lock and wakes its writer for it, which cost the server a sixth of its CPU at tens of
 * thousands of requests a second; here a line costs a queue insert, and the writer makes one system call per batch.
 * Each batch is written with one call on the shared {@code System.out}, so lines never interleave with the other
 * log lines. Access lines are not the audit trail: if standard output blocks and {@value #MAX_QUEUED} lines are
 * waiting, further lines are counted and dropped, and the count is logged, rather than slowing requests down.
 */
final class AccessLogWriter {
    static final int MAX_QUEUED = 65_536;
    static final long PERIOD_MILLIS = 20;
    private static final int MAX_BATCH_BYTES = 256 * 1024;
    private static final AccessLogWriter INSTANCE = new AccessLogWriter(true);

    private final ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicLong dropped = new AtomicLong();
    private final ByteArrayOutputStream batch = new ByteArrayOutputStream(MAX_BATCH_BYTES);

    /** {@code background}: start the writer thread (tests drive {@link #drain()} themselves instead). */
    AccessLogWriter(boolean background) {
        if (!background) {
            return;
        }
        Thread writer = new Thread(this::run, "lanyard-access-log");
        writer.setDaemon(true);
        writer.start();
        // the last few milliseconds of lines at exit
        Runtime.getRuntime().addShutdownHook(new Thread(this::drain, "lanyard-access-log-drain"));
    }

    static AccessLogWriter instance() {
        return INSTANCE;
    }

    /** Queues one line (without its newline); never blocks. */
    void add(String line) {
        if (queued.incrementAndGet() > MAX_QUEUED) {
            queued.decrementAndGet();
            dropped.incrementAndGet();
            return;
        }
        lines.add(line);
    }

    private void run() {
        while (true) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(PERIOD_MILLIS));
            try {
                drain();
            } catch (RuntimeException e) {
                // a closed or failing standard output must not end access logging for good
                System.err.println("lanyard: access log write failed: " + e);
            }
        }
    }

    /** Writes everything queued so far; synchronized because the exit hook may run it alongside the writer. */
    synchronized void drain() {
        String line;
        int taken = 0;
        while ((line = lines.poll()) != null) {
            byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
            batch.write(bytes, 0, bytes.length);
            batch.write('\n');
            taken++;
            if (batch.size() >= MAX_BATCH_BYTES) {
                write();
            }
        }
        queued.addAndGet(-taken);
        long lost = dropped.getAndSet(0);
        if (lost > 0) {
            byte[] note = ("{\"timestamp\":" + System.currentTimeMillis() + ",\"level\":\"WARN\",\"threadName\":\""
                    + Thread.currentThread().getName() + "\",\"loggerName\":\"lanyard.access\",\"formattedMessage\":\""
                    + lost + " access log lines dropped: standard output is not keeping up\",\"throwable\":null}\n")
                    .getBytes(StandardCharsets.UTF_8);
            batch.write(note, 0, note.length);
        }
        write();
    }

    private void write() {
        if (batch.size() == 0) {
            return;
        }
        PrintStream out = System.out;
        // one call: PrintStream locks per call, so the batch is never split by another thread's log line
        out.write(batch.toByteArray(), 0, batch.size());
        out.flush();
        batch.reset();
    }
}
