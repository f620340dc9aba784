package dev.lanyard.loadtest.report;

import java.time.Duration;

/**
 * CPU used while a scenario ran (warm-up included), in cores: 1.0 is one core busy all the time. On a two-core
 * machine this shows which side saturated: a generator near 1.0 means the figures are the generator's ceiling.
 */
public record CpuShare(double generatorCores, double serverCores) {

    public static CpuShare of(Duration generatorCpu, Duration serverCpu, Duration wall) {
        double wallNanos = Math.max(1, wall.toNanos());
        return new CpuShare(generatorCpu.toNanos() / wallNanos, serverCpu.toNanos() / wallNanos);
    }
}
