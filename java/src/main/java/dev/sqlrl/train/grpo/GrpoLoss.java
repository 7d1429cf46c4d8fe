package dev.sqlrl.train.grpo;

import dev.sqlrl.config.LossType;
import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * The GRPO objective on given log-probs, with its exact gradient with respect to each policy
 * log-prob (TRL's {@code GRPOTrainer._compute_loss}, differentiated by hand so that native only has
 * to backpropagate one float per token).
 *
 * <p>Per active token, with ratio = exp(logp - old) and A the completion's advantage:
 * <pre>
 *   loss_t = -min(ratio * A, clip(ratio, 1 - epsLow, 1 + epsHigh) * A) + beta * k3
 *   k3     = exp(ref - logp) - (ref - logp) - 1
 *   dloss_t/dlogp = (clipped ? 0 : -A * ratio) + beta * (1 - exp(ref - logp))
 * </pre>
 * where "clipped" is TRL's is_low_clipped (ratio < 1 - epsLow and A < 0) or is_high_clipped
 * (ratio > 1 + epsHigh and A > 0): exactly the tokens where the min picks the constant clipped term.
 * The micro-batch loss is the sum of loss_t times a per-completion weight set by the {@link LossType}.
 * Arithmetic is in double; floats only at the boundary with native.
 */
public final class GrpoLoss {

    private final GrpoLossConfig config;

    public GrpoLoss(GrpoLossConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    public GrpoLossConfig config() {
        return config;
    }

    /** Tokens that carry loss: all tokens, except those of truncated completions when they are masked. */
    public long activeTokenCount(List<CompletionLogProbs> completions) {
        long active = 0;
        for (CompletionLogProbs completion : completions) {
            if (!isMasked(completion)) {
                active += completion.length();
            }
        }
        return active;
    }

    /**
     * Loss, per-token gradient and metrics of one micro-batch.
     *
     * @throws IllegalArgumentException when the batch is empty, a completion's log-prob arrays differ in
     *     length or hold non-finite values, reference log-probs are missing while beta > 0, a completion is
     *     longer than maxCompletionLength, or the accumulated active-token count is below this batch's
     */
    public GrpoLossResult compute(GrpoBatch batch) {
        List<CompletionLogProbs> completions = batch.completions();
        validate(completions);
        long activeTokens = activeTokenCount(completions);
        validateAccumulation(batch.accumulation(), activeTokens);

        double lowerBound = 1 - config.epsLow();
        double upperBound = 1 + config.epsHigh();
        double beta = config.beta();
        boolean withReference = completions.stream().allMatch(c -> c.reference() != null);

        float[][] gradient = new float[completions.size()][];
        double loss = 0;
        double klSum = 0;
        long lowClipped = 0;
        long highClipped = 0;
        double ratioSum = 0;
        double ratioMin = Double.POSITIVE_INFINITY;
        double ratioMax = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < completions.size(); i++) {
            CompletionLogProbs completion = completions.get(i);
            float[] logp = completion.policy();
            gradient[i] = new float[logp.length];
            if (isMasked(completion)) {
                continue;
            }
            // old == null: old is logp detached, so the ratio is exactly 1 (its gradient is not 0)
            float[] old = completion.old() != null ? completion.old() : logp;
            // KL only when every completion has a reference, so the mean is over all active tokens
            float[] reference = withReference ? completion.reference() : null;
            double advantage = completion.advantage();
            double weight = tokenWeight(completions.size(), logp.length, activeTokens, batch.accumulation());
            double completionLoss = 0;
            for (int t = 0; t < logp.length; t++) {
                double ratio = Math.exp((double) logp[t] - old[t]);
                double clippedRatio = Math.min(Math.max(ratio, lowerBound), upperBound);
                boolean isLowClipped = ratio < lowerBound && advantage < 0;
                boolean isHighClipped = ratio > upperBound && advantage > 0;
                double tokenLoss = -Math.min(ratio * advantage, clippedRatio * advantage);
                double tokenGradient = isLowClipped || isHighClipped ? 0 : -advantage * ratio;
                if (reference != null) {
                    double refMinusLogp = (double) reference[t] - logp[t];
                    double expRefMinusLogp = Math.exp(refMinusLogp);
                    double k3 = expRefMinusLogp - refMinusLogp - 1;
                    klSum += k3;
                    if (beta != 0) {
                        tokenLoss += beta * k3;
                        tokenGradient += beta * (1 - expRefMinusLogp);
                    }
                }
                completionLoss += tokenLoss;
                gradient[i][t] = (float) (weight * tokenGradient);
                lowClipped += isLowClipped ? 1 : 0;
                highClipped += isHighClipped ? 1 : 0;
                ratioSum += ratio;
                ratioMin = Math.min(ratioMin, ratio);
                ratioMax = Math.max(ratioMax, ratio);
            }
            loss += weight * completionLoss;
        }
        // TRL divides counts by max(active, 1): with nothing active every fraction is 0
        double tokenDenominator = Math.max(activeTokens, 1);
        GrpoLossMetrics metrics = new GrpoLossMetrics(
                activeTokens,
                withReference ? OptionalDouble.of(klSum / tokenDenominator) : OptionalDouble.empty(),
                lowClipped / tokenDenominator,
                highClipped / tokenDenominator,
                (lowClipped + highClipped) / tokenDenominator,
                activeTokens > 0 ? ratioSum / activeTokens : Double.NaN,
                activeTokens > 0 ? ratioMin : Double.NaN,
                activeTokens > 0 ? ratioMax : Double.NaN,
                completions.size(),
                completions.stream().mapToLong(CompletionLogProbs::length).sum(),
                completions.stream().mapToInt(CompletionLogProbs::length).min().orElseThrow(),
                completions.stream().mapToInt(CompletionLogProbs::length).max().orElseThrow(),
                (int) completions.stream().filter(CompletionLogProbs::truncated).count());
        return new GrpoLossResult(loss, gradient, metrics);
    }

    /** The factor each token's loss of a completion with {@code length} tokens is multiplied by. */
    private double tokenWeight(int completions, int length, long activeTokens, GradientAccumulation accumulation) {
        int microBatches = accumulation == null ? 1 : accumulation.microBatches();
        return switch (config.lossType()) {
            case GRPO -> 1.0 / ((double) completions * Math.max(length, 1) * microBatches);
            case BNPO -> 1.0 / ((double) Math.max(activeTokens, 1) * microBatches);
            case DR_GRPO -> 1.0 / ((double) completions * config.maxCompletionLength() * microBatches);
            // dapo's count already spans all micro-batches, so no extra division
            case DAPO -> 1.0 / Math.max(accumulation == null ? activeTokens : accumulation.activeTokensAllMicroBatches(), 1);
        };
    }

    private boolean isMasked(CompletionLogProbs completion) {
        return config.maskTruncated() && completion.truncated();
    }

    private void validate(List<CompletionLogProbs> completions) {
        if (completions.isEmpty()) {
            throw new IllegalArgumentException("the batch holds no completions");
        }
        for (int i = 0; i < completions.size(); i++) {
            CompletionLogProbs completion = completions.get(i);
            int length = completion.length();
            if (length > config.maxCompletionLength()) {
                throw new IllegalArgumentException("completion " + i + " has " + length
                        + " tokens, more than maxCompletionLength " + config.maxCompletionLength());
            }
            if (!Double.isFinite(completion.advantage())) {
                throw new IllegalArgumentException("completion " + i + ": advantage is not finite: " + completion.advantage());
            }
            requireFinite(i, "policy", completion.policy());
            if (completion.old() != null) {
                requireSameLength(i, "old", completion.old(), length);
                requireFinite(i, "old", completion.old());
            }
            if (completion.reference() != null) {
                requireSameLength(i, "reference", completion.reference(), length);
                requireFinite(i, "reference", completion.reference());
            } else if (config.needsReference()) {
                throw new IllegalArgumentException("completion " + i + ": beta = " + config.beta()
                        + " needs reference log-probs (the adapter-disabled pass), but none were given");
            }
        }
    }

    private void validateAccumulation(GradientAccumulation accumulation, long activeTokens) {
        if (accumulation != null && config.lossType() == LossType.DAPO
                && accumulation.activeTokensAllMicroBatches() < activeTokens) {
            throw new IllegalArgumentException("activeTokensAllMicroBatches = " + accumulation.activeTokensAllMicroBatches()
                    + " is less than the " + activeTokens + " active tokens of this micro-batch alone");
        }
    }

    private static void requireSameLength(int completion, String name, float[] values, int length) {
        if (values.length != length) {
            throw new IllegalArgumentException("completion " + completion + ": " + name + " log-probs have "
                    + values.length + " tokens but policy log-probs have " + length);
        }
    }

    private static void requireFinite(int completion, String name, float[] values) {
        for (int t = 0; t < values.length; t++) {
            if (!Float.isFinite(values[t])) {
                throw new IllegalArgumentException("completion " + completion + ", token " + t + ": "
                        + name + " log-prob is not finite: " + values[t]);
            }
        }
    }
}
