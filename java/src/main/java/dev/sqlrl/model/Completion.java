package dev.sqlrl.model;

/** One generated completion: its tokens and each token's log-prob under the sampling distribution. */
public record Completion(int[] tokens, float[] logprobs) {}
