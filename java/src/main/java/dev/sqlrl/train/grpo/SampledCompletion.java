package dev.sqlrl.train.grpo;

import dev.sqlrl.reward.RewardBreakdown;

/**
 * One sampled completion with its reward.
 *
 * @param prompt    the prompt it answers
 * @param tokens    completion tokens (a final stop id included)
 * @param logprobs  their log-probs under the sampling policy (temperature-scaled)
 * @param text      the decoded completion
 * @param truncated true when it reached the length limit without a stop id
 * @param reward    its reward
 */
record SampledCompletion(GrpoPrompt prompt, int[] tokens, float[] logprobs, String text, boolean truncated,
                         RewardBreakdown reward) {

    int[] sequence() {
        int[] all = new int[prompt.tokens().length + tokens.length];
        System.arraycopy(prompt.tokens(), 0, all, 0, prompt.tokens().length);
        System.arraycopy(tokens, 0, all, prompt.tokens().length, tokens.length);
        return all;
    }
}
