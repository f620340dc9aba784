package dev.lanyard.loadtest.report;

import java.time.Duration;

/**
 * CPU used while a scenario ran (warm-up included), in cores: 1.0 is one core busy all the time. On a two-core
 * machine this shows which side saturated: a generator near 1.0 means the figures are the generator's ceiling,
 * and a large {@code otherCores} means other work on the machine competed with the run (its figures are low).
 *
 * @param otherCores machine-wide busy CPU minus generator and server; NaN where unknown
 */
public record CpuShare(double generatorCores, double serverCores, double otherCores) {

    public static CpuShare of(Duration generatorCpu, Duration serverCpu, Duration machineCpu, Duration wall) {
        double wallNanos = Math.max(1, wall.toNanos());
        double other = machineCpu.isZero() ? Double.NaN
                : Math.max(0, machineCpu.minus(generatorCpu).minus(serverCpu).toNanos() / wallNanos);
        return new CpuShare(generatorCpu.toNanos() / wallNanos, serverCpu.toNanos() / wallNanos, other);
    }
}
