package dev.sqlrl.data;

import java.util.Arrays;
import java.util.Collection;

/** Summary of a list of numbers: count, min, mean, median, 90th percentile (nearest rank), max. */
public record Distribution(int count, double min, double mean, double median, double p90, double max) {
    public static final Distribution EMPTY = new Distribution(0, 0, 0, 0, 0, 0);

    public static Distribution of(Collection<? extends Number> values) {
        if (values.isEmpty()) {
            return EMPTY;
        }
        double[] sorted = values.stream().mapToDouble(Number::doubleValue).sorted().toArray();
        return new Distribution(sorted.length, sorted[0], Arrays.stream(sorted).average().orElse(0),
                percentile(sorted, 0.5), percentile(sorted, 0.9), sorted[sorted.length - 1]);
    }

    private static double percentile(double[] sorted, double fraction) {
        int rank = (int) Math.ceil(fraction * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }
}
