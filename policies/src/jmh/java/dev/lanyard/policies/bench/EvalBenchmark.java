package dev.lanyard.policies.bench;

import dev.lanyard.policies.RegoCompiler;
import dev.lanyard.policies.engine.Bundle;
import dev.lanyard.policies.engine.PolicyEngine;
import dev.lanyard.policies.wasm.WasmBackend;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One decision per call on one thread, through {@link PolicyEngine} (input parsing, evaluation, result dump). The
 * baseline is OPA's own demo module from the opa-java-wasm jar (one rule), measured in the same run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Threads(1)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
public class EvalBenchmark {
    private PolicyEngine lanyard;
    private PolicyEngine demo;

    @Setup
    public void setup() {
        Bundle b = RegoCompiler.compile(BenchPolicies.sources(), BenchPolicies.ENTRYPOINTS, BenchPolicies.DATA, "bench");
        lanyard = new PolicyEngine(b, 1);
        demo = new PolicyEngine(new Bundle(WasmBackend.runtimeModule(), "{\"role\":{\"alice\":\"admin\"}}", "demo",
                List.of("opa/wasm/test/allowed")), 1);
        String r = lanyard.evaluate("lanyard/token/decision", BenchPolicies.TOKEN_INPUT);
        if (!r.contains("\"allow\":true")) {
            throw new IllegalStateException("unexpected decision " + r);
        }
    }

    /** ~30-rule token decision (scopes narrowing, CIDR check, sprintf, min, object.get). */
    @Benchmark
    public String tokenDecision() {
        return lanyard.evaluate("lanyard/token/decision", BenchPolicies.TOKEN_INPUT);
    }

    @Benchmark
    public String mcpDecision() {
        return lanyard.evaluate("lanyard/mcp/decision", BenchPolicies.MCP_INPUT);
    }

    @Benchmark
    public String baselineOpaDemo() {
        return demo.evaluate("opa/wasm/test/allowed", "{\"user\":\"alice\"}");
    }
}
