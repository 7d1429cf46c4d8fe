package dev.sqlrl.train.grpo;

import java.util.Objects;

/**
 * What the loss needs to know about one sampled completion: the log-probability of each of its
 * tokens under three models, its advantage, and whether generation cut it off.
 *
 * @param policy log-probs under the current policy (the graph native keeps for backward)
 * @param old log-probs under the policy that sampled it, or null when this is the first update on
 *     these samples (num_iterations = 1): then old = policy, detached, so the ratio is 1 while its
 *     gradient still flows
 * @param reference log-probs with the adapters disabled, or null when beta = 0
 * @param advantage the completion's group-relative advantage ({@link Advantages})
 * @param truncated true when the completion hit the length limit without a stop token
 */
public record CompletionLogProbs(float[] policy, float[] old, float[] reference, double advantage, boolean truncated) {

    public CompletionLogProbs {
        Objects.requireNonNull(policy, "policy log-probs");
    }

    /** A completion sampled by the current policy (first iteration on it, no old log-probs needed). */
    public static CompletionLogProbs onPolicy(float[] policy, float[] reference, double advantage, boolean truncated) {
        return new CompletionLogProbs(policy, null, reference, advantage, truncated);
    }

    public int length() {
        return policy.length;
    }
}
