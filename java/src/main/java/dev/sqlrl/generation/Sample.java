package dev.sqlrl.generation;

import java.util.Optional;

/**
 * One sampled answer to a prompt.
 *
 * @param tokens    the generated ids, ending with the stop id when one was hit
 * @param logprobs  each token's log-prob under the sampling distribution
 * @param text      the tokens decoded without special tokens
 * @param sql       the SQL found in the text, or empty when it holds none
 * @param truncated whether generation hit max new tokens without a stop id
 */
public record Sample(int[] tokens, float[] logprobs, String text, Optional<String> sql, boolean truncated) {}
