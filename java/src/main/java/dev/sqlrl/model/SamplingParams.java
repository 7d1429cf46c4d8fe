package dev.sqlrl.model;

import java.util.List;

/**
 * How to sample: greedy, or temperature with optional top-k (0 = off) and top-p (1 = off).
 * Generation of a sample ends at a stop id (kept in the output) or after maxNewTokens.
 */
public record SamplingParams(boolean greedy, double temperature, int topK, double topP, long seed,
                             int maxNewTokens, int numSamples, List<Integer> stopIds) {
    public SamplingParams {
        if (maxNewTokens <= 0) throw new IllegalArgumentException("max new tokens must be > 0, got " + maxNewTokens);
        if (numSamples <= 0) throw new IllegalArgumentException("number of samples must be > 0, got " + numSamples);
        if (!greedy && !(temperature > 0)) throw new IllegalArgumentException("temperature must be > 0, got " + temperature);
        if (topK < 0) throw new IllegalArgumentException("top-k must be >= 0, got " + topK);
        if (!(topP > 0 && topP <= 1)) throw new IllegalArgumentException("top-p must be in (0, 1], got " + topP);
        stopIds = List.copyOf(stopIds);
    }

    public static SamplingParams greedy(int maxNewTokens, List<Integer> stopIds) {
        return new SamplingParams(true, 1.0, 0, 1.0, 0, maxNewTokens, 1, stopIds);
    }
}
