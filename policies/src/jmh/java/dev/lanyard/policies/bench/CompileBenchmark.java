package dev.lanyard.policies.bench;

import dev.lanyard.policies.RegoCompiler;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/** Rego → WASM for the ~200-line benchmark policy set (parse, plan, lower, link into the runtime). */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class CompileBenchmark {
    /** Warm: a long-running JVM recompiling on policy change. */
    @Benchmark
    @Fork(1)
    @Warmup(iterations = 5, time = 2)
    @Measurement(iterations = 5, time = 2)
    public byte[] warm() {
        return RegoCompiler.compileWasm(BenchPolicies.sources(), BenchPolicies.ENTRYPOINTS);
    }

    /** Cold: the first compile in a fresh JVM (class loading, runtime module analysis, no JIT). */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @Fork(10)
    @Warmup(iterations = 0)
    @Measurement(iterations = 1)
    public byte[] cold() {
        return RegoCompiler.compileWasm(BenchPolicies.sources(), BenchPolicies.ENTRYPOINTS);
    }
}
