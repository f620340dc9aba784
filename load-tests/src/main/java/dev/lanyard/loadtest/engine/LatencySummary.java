package dev.lanyard.loadtest.engine;

import org.HdrHistogram.AbstractHistogram;
import org.HdrHistogram.HistogramIterationValue;

import java.util.ArrayList;
import java.util.List;

/** Percentiles of a latency histogram recorded in microseconds, reported in milliseconds. */
public record LatencySummary(long count, double meanMs, double p50Ms, double p90Ms, double p99Ms, double p999Ms,
                             double maxMs, List<CurvePoint> curve) {

    /** One point of the percentile distribution, for the chart. */
    public record CurvePoint(double percentile, double valueMs) {
    }

    public LatencySummary {
        curve = List.copyOf(curve);
    }

    public static LatencySummary of(AbstractHistogram micros) {
        if (micros.getTotalCount() == 0) {
            return new LatencySummary(0, 0, 0, 0, 0, 0, 0, List.of());
        }
        List<CurvePoint> curve = new ArrayList<>();
        // Five ticks per halving of the remaining tail gives a smooth curve up to the max with ~100 points.
        for (HistogramIterationValue v : micros.percentiles(5)) {
            curve.add(new CurvePoint(v.getPercentileLevelIteratedTo(), ms(v.getValueIteratedTo())));
        }
        return new LatencySummary(micros.getTotalCount(), micros.getMean() / 1000.0,
                ms(micros.getValueAtPercentile(50)), ms(micros.getValueAtPercentile(90)),
                ms(micros.getValueAtPercentile(99)), ms(micros.getValueAtPercentile(99.9)),
                ms(micros.getMaxValue()), curve);
    }

    private static double ms(long micros) {
        return micros / 1000.0;
    }
}
