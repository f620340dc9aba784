package dev.lanyard.policies.bench;

import dev.lanyard.policies.RegoCompiler;
import dev.lanyard.policies.engine.Bundle;
import dev.lanyard.policies.engine.PolicyEngine;
import dev.lanyard.policies.wasm.WasmBackend;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.List;

/**
 * Thread CPU time per decision (median of 20 rounds of 2,000 decisions after 10 s of warm-up). Complements the JMH
 * wall-clock figures on a shared machine, where other processes inflate wall time but not this thread's CPU time.
 * Run: {@code java -cp <test classpath> dev.lanyard.policies.bench.EvalCpuTime}.
 */
public final class EvalCpuTime {
    public static void main(String[] args) {
        Bundle b = RegoCompiler.compile(BenchPolicies.sources(), BenchPolicies.ENTRYPOINTS, BenchPolicies.DATA, "cpu");
        PolicyEngine lanyard = new PolicyEngine(b, 1);
        PolicyEngine demo = new PolicyEngine(new Bundle(WasmBackend.runtimeModule(), "{\"role\":{\"alice\":\"admin\"}}",
                "demo", List.of("opa/wasm/test/allowed")), 1);
        report("baselineOpaDemo", () -> demo.evaluate("opa/wasm/test/allowed", "{\"user\":\"alice\"}"));
        report("tokenDecision", () -> lanyard.evaluate("lanyard/token/decision", BenchPolicies.TOKEN_INPUT));
        report("mcpDecision", () -> lanyard.evaluate("lanyard/mcp/decision", BenchPolicies.MCP_INPUT));
    }

    private static void report(String name, Runnable decision) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long until = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < until) {
            decision.run();
        }
        double[] rounds = new double[20];
        for (int r = 0; r < rounds.length; r++) {
            long start = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < 2000; i++) {
                decision.run();
            }
            rounds[r] = (mx.getCurrentThreadCpuTime() - start) / 1000.0 / 2000;
        }
        Arrays.sort(rounds);
        System.out.printf("%-16s median %.1f us CPU/decision (min %.1f, max %.1f)%n", name,
                (rounds[9] + rounds[10]) / 2, rounds[0], rounds[rounds.length - 1]);
    }
}
