package dev.sqlrl.train.grpo;

import dev.sqlrl.config.LossType;
import java.util.Objects;

/**
 * Settings of the GRPO loss.
 *
 * @param lossType how the per-token losses are normalized
 * @param epsLow the importance ratio is clipped below at 1 - epsLow (TRL's {@code epsilon}, 0.2 by default)
 * @param epsHigh the importance ratio is clipped above at 1 + epsHigh (DAPO's clip-higher uses 0.28)
 * @param beta weight of the k3 KL against the reference; 0 means no reference pass is needed
 * @param maxCompletionLength the generation limit in tokens; dr_grpo divides by it
 * @param maskTruncated whether completions that did not end with a stop token get no loss at all
 */
public record GrpoLossConfig(
        LossType lossType, double epsLow, double epsHigh, double beta, int maxCompletionLength, boolean maskTruncated) {

    public GrpoLossConfig {
        Objects.requireNonNull(lossType, "lossType");
        if (!(epsLow >= 0 && epsLow < 1)) {
            throw new IllegalArgumentException("epsLow must be in [0, 1), got " + epsLow);
        }
        if (!(epsHigh >= 0 && Double.isFinite(epsHigh))) {
            throw new IllegalArgumentException("epsHigh must be finite and >= 0, got " + epsHigh);
        }
        if (!(beta >= 0 && Double.isFinite(beta))) {
            throw new IllegalArgumentException("beta must be finite and >= 0, got " + beta);
        }
        if (maxCompletionLength < 1) {
            throw new IllegalArgumentException("maxCompletionLength must be >= 1, got " + maxCompletionLength);
        }
    }

    /** Whether reference log-probs are needed (the k3 KL term is on). */
    public boolean needsReference() {
        return beta != 0;
    }
}
