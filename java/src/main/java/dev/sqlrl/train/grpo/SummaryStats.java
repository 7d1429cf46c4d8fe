package dev.sqlrl.train.grpo;

/**
 * Mean, spread and range of a set of numbers, for step metrics.
 *
 * @param std the unbiased sample standard deviation (torch's default {@code std()}, Bessel-corrected);
 *     0 for a single value
 */
public record SummaryStats(double mean, double std, double min, double max) {

    /** Stats of {@code values}; throws IllegalArgumentException when there are none. */
    public static SummaryStats of(double[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no values to summarize");
        }
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double value : values) {
            min = Math.min(min, value);
            max = Math.max(max, value);
        }
        double mean = mean(values, 0, values.length);
        double std = values.length > 1 ? unbiasedStd(values, 0, values.length, mean) : 0;
        return new SummaryStats(mean, std, min, max);
    }

    static double mean(double[] values, int from, int to) {
        double sum = 0;
        for (int i = from; i < to; i++) {
            sum += values[i];
        }
        return sum / (to - from);
    }

    /** Two-pass (deviations from the mean) so that a large common offset does not cancel precision away. */
    static double unbiasedStd(double[] values, int from, int to, double mean) {
        double squares = 0;
        for (int i = from; i < to; i++) {
            double deviation = values[i] - mean;
            squares += deviation * deviation;
        }
        return Math.sqrt(squares / (to - from - 1));
    }
}
