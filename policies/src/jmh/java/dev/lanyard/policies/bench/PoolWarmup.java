package dev.lanyard.policies.bench;

import dev.lanyard.policies.PolicySet;
import dev.lanyard.policies.engine.PolicyEngine;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * How quickly a pooled engine gets fast: a fresh {@code PolicyEngine} with one instance per thread, {@code threads}
 * threads evaluating the shipped MCP decision as fast as they can, reported per round as decisions and CPU time per
 * decision (the threads' CPU time, so a machine with fewer cores than threads is not counted against the engine).
 * This is what a proxy or server sees after start: one instance per event loop, all busy at once. JMH's steady-state
 * figures hide it. Run: {@code java -cp <test classpath> dev.lanyard.policies.bench.PoolWarmup [threads] [rounds]
 * [seconds per round]}; defaults 4, 6, 2.
 */
public final class PoolWarmup {
    public static void main(String[] args) throws Exception {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 4;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 6;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        long t0 = System.nanoTime();
        PolicyEngine engine = new PolicyEngine(PolicySet.bundledDefault().bundle(), threads);
        System.out.printf("engine with a pool of %d ready in %d ms (%s)%n", threads, (System.nanoTime() - t0) / 1_000_000,
                Runtime.version());
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        AtomicLongArray done = new AtomicLongArray(threads);
        AtomicBoolean stop = new AtomicBoolean();
        Thread[] workers = new Thread[threads];
        for (int i = 0; i < threads; i++) {
            int me = i;
            workers[i] = new Thread(() -> {
                while (!stop.get()) {
                    engine.evaluate("lanyard/mcp/decision", EvalBenchmark.SHIPPED_MCP_INPUT);
                    done.incrementAndGet(me);
                }
            }, "eval-" + i);
        }
        for (Thread w : workers) {
            w.start();
        }
        long lastCount = 0;
        long lastCpu = 0;
        for (int r = 1; r <= rounds; r++) {
            Thread.sleep(seconds * 1000L);
            long count = 0;
            long cpu = 0;
            for (int i = 0; i < threads; i++) {
                count += done.get(i);
                cpu += mx.getThreadCpuTime(workers[i].getId());
            }
            System.out.printf("round %d: %,d decisions (%,d in all), %.1f us CPU per decision%n", r, count - lastCount,
                    count, (cpu - lastCpu) / 1000.0 / (count - lastCount));
            lastCount = count;
            lastCpu = cpu;
        }
        stop.set(true);
        for (Thread w : workers) {
            w.join();
        }
    }
}
