package dev.sqlrl.train.grpo;

import dev.sqlrl.train.DataParallel;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * The {@link GrpoLossMetrics} of a step's micro-batches added up into the step's: token averages weighted by each
 * micro-batch's active tokens, lengths over every completion the loss saw. Every iteration sees every completion
 * once, so the length statistics of several iterations equal one iteration's.
 */
final class GrpoLossTotals {
    private long activeTokens;
    private double klTokenSum;
    private boolean klKnown;
    private double lowClipTokens;
    private double highClipTokens;
    private double regionClipTokens;
    private long ratioTokens;
    private double ratioTokenSum;
    private double ratioMin = Double.POSITIVE_INFINITY;
    private double ratioMax = Double.NEGATIVE_INFINITY;
    private long completions;
    private long completionTokens;
    private long truncatedCompletions;
    private int lengthMin = Integer.MAX_VALUE;
    private int lengthMax = Integer.MIN_VALUE;

    void add(GrpoLossMetrics m) {
        activeTokens += m.activeTokens();
        if (m.klMean().isPresent()) {
            klKnown = true;
            klTokenSum += m.klMean().getAsDouble() * m.activeTokens();
        }
        lowClipTokens += m.lowClipFraction() * m.activeTokens();
        highClipTokens += m.highClipFraction() * m.activeTokens();
        regionClipTokens += m.regionClipFraction() * m.activeTokens();
        if (m.activeTokens() > 0) { // a micro-batch without active tokens has no ratios (NaN)
            ratioTokens += m.activeTokens();
            ratioTokenSum += m.ratioMean() * m.activeTokens();
            ratioMin = Math.min(ratioMin, m.ratioMin());
            ratioMax = Math.max(ratioMax, m.ratioMax());
        }
        completions += m.completions();
        completionTokens += m.completionTokens();
        truncatedCompletions += m.truncatedCompletions();
        lengthMin = Math.min(lengthMin, m.completionLengthMin());
        lengthMax = Math.max(lengthMax, m.completionLengthMax());
    }

    /**
     * The totals of every data-parallel rank's micro-batches on every rank, so that the step's metrics are those of
     * the whole step (what one process running all of them adds up).
     */
    void reduce(DataParallel ranks) {
        if (ranks.worldSize() == 1) return;
        double[] sums = ranks.sum(activeTokens, klTokenSum, lowClipTokens, highClipTokens, regionClipTokens, ratioTokens,
                ratioTokenSum, completions, completionTokens, truncatedCompletions);
        activeTokens = (long) sums[0];
        klTokenSum = sums[1];
        lowClipTokens = sums[2];
        highClipTokens = sums[3];
        regionClipTokens = sums[4];
        ratioTokens = (long) sums[5];
        ratioTokenSum = sums[6];
        completions = (long) sums[7];
        completionTokens = (long) sums[8];
        truncatedCompletions = (long) sums[9];
        double[] maxima = ranks.max(klKnown ? 1 : 0, ratioMax, -ratioMin, lengthMax, -(double) lengthMin);
        klKnown = maxima[0] > 0;
        ratioMax = maxima[1];
        ratioMin = -maxima[2];
        lengthMax = (int) maxima[3];
        lengthMin = (int) -maxima[4];
    }

    long activeTokens() {
        return activeTokens;
    }

    /** Token averages divide by max(active tokens, 1), as TRL's: with nothing active every fraction is 0. */
    private double tokenDenominator() {
        return Math.max(activeTokens, 1);
    }

    OptionalDouble kl() {
        return klKnown ? OptionalDouble.of(klTokenSum / tokenDenominator()) : OptionalDouble.empty();
    }

    double lowClipFraction() {
        return lowClipTokens / tokenDenominator();
    }

    double highClipFraction() {
        return highClipTokens / tokenDenominator();
    }

    double regionClipFraction() {
        return regionClipTokens / tokenDenominator();
    }

    double ratioMean() {
        return ratioTokens > 0 ? ratioTokenSum / ratioTokens : Double.NaN;
    }

    double ratioMin() {
        return ratioTokens > 0 ? ratioMin : Double.NaN;
    }

    double ratioMax() {
        return ratioTokens > 0 ? ratioMax : Double.NaN;
    }

    GrpoStepMetrics.Lengths lengths() {
        boolean seen = completions > 0;
        return new GrpoStepMetrics.Lengths(
                seen ? (double) completionTokens / completions : Double.NaN,
                seen ? OptionalInt.of(lengthMin) : OptionalInt.empty(),
                seen ? OptionalInt.of(lengthMax) : OptionalInt.empty(),
                seen ? (double) truncatedCompletions / completions : Double.NaN);
    }
}
