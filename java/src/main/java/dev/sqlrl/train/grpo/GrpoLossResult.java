package dev.sqlrl.train.grpo;

/**
 * The GRPO loss of a micro-batch and its gradient.
 *
 * @param loss the scalar loss (already divided for gradient accumulation)
 * @param dLossDLogp d loss / d policy log-prob of every completion token, shaped like the policy
 *     log-probs (row i = completion i): exactly what native backward takes; 0 on masked and clipped tokens
 * @param metrics what the step observed
 */
public record GrpoLossResult(double loss, float[][] dLossDLogp, GrpoLossMetrics metrics) {}
