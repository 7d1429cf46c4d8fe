package dev.sqlrl.train.grpo;

import java.util.OptionalDouble;

/**
 * What the loss computation observed in one micro-batch, named after TRL's logged metrics where
 * one exists. Token averages are over active tokens (truncated completions excluded when masked).
 * Per-token entropy is not here: it needs the full distribution, which only native sees, and native
 * does not report it yet. A step adds these up with {@link GrpoLossTotals}.
 *
 * @param activeTokens completion tokens that carry loss
 * @param klMean mean k3 KL against the reference over active tokens; empty without reference log-probs
 * @param lowClipFraction fraction of active tokens with ratio < 1 - epsLow and advantage < 0 (TRL {@code clip_ratio/low_mean})
 * @param highClipFraction fraction with ratio > 1 + epsHigh and advantage > 0 ({@code clip_ratio/high_mean})
 * @param regionClipFraction fraction clipped either way ({@code clip_ratio/region_mean}); their gradient is 0
 * @param ratioMean mean importance ratio exp(logp - old logp); NaN when no token is active
 * @param ratioMin smallest importance ratio; NaN when no token is active
 * @param ratioMax largest importance ratio; NaN when no token is active
 * @param completions completions of the micro-batch, masked ones included
 * @param completionTokens their tokens
 * @param completionLengthMin shortest completion
 * @param completionLengthMax longest completion
 * @param truncatedCompletions completions that ended without a stop token
 */
public record GrpoLossMetrics(
        long activeTokens,
        OptionalDouble klMean,
        double lowClipFraction,
        double highClipFraction,
        double regionClipFraction,
        double ratioMean,
        double ratioMin,
        double ratioMax,
        int completions,
        long completionTokens,
        int completionLengthMin,
        int completionLengthMax,
        int truncatedCompletions) {

    /** Mean length in tokens over all completions, masked ones included. */
    public double completionLengthMean() {
        return (double) completionTokens / completions;
    }

    /** Fraction of completions that ended without a stop token. */
    public double truncatedFraction() {
        return (double) truncatedCompletions / completions;
    }
}
