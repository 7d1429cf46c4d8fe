package dev.sqlrl.perf;

import java.util.Arrays;

/** Wall-clock helpers of the benchmarks: seconds since a System.nanoTime() start, and medians of runs. */
public final class Timings {
    private Timings() {}

    public static double secondsSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    public static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
