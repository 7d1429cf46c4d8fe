package dev.sqlrl.reward;

import java.util.EnumMap;
import java.util.Map;

/**
 * How completions are scored.
 *
 * @param correct          execution value when the result matches the gold's
 * @param executableWrong  execution value when the query runs but the result differs
 * @param failed           execution value when there is no SQL, or it fails to run
 * @param weights          weight of each component in the total (a plain weighted sum); missing = 0
 * @param targetChars      completions up to this many characters get no length penalty
 * @param maxChars         the length penalty reaches -1 here (must exceed targetChars)
 * @param cacheEntries     SQL-dependent scores kept per (database, normalized SQL, gold)
 */
public record RewardConfig(double correct, double executableWrong, double failed, Map<RewardComponent, Double> weights,
                           int targetChars, int maxChars, int cacheEntries) {
    public RewardConfig {
        weights = Map.copyOf(weights);
        if (targetChars < 0 || maxChars <= targetChars) {
            throw new IllegalArgumentException("length penalty needs 0 <= targetChars < maxChars, got "
                    + targetChars + " and " + maxChars);
        }
        if (cacheEntries < 0) {
            throw new IllegalArgumentException("cacheEntries must be >= 0, got " + cacheEntries);
        }
        weights.forEach((component, weight) -> {
            if (!Double.isFinite(weight)) {
                throw new IllegalArgumentException("weight of " + component.key() + " must be a finite number, got " + weight);
            }
        });
    }

    /**
     * Execution 1 / 0.1 / 0 as in Arctic-Text2SQL-R1, plus a small format term (SQL-R1); the other
     * components are computed and reported with weight 0.
     */
    public static RewardConfig defaults() {
        Map<RewardComponent, Double> weights = new EnumMap<>(RewardComponent.class);
        weights.put(RewardComponent.EXECUTION, 1.0);
        weights.put(RewardComponent.FORMAT, 0.1);
        return new RewardConfig(1.0, 0.1, 0.0, weights, 2048, 8192, 100_000);
    }

    public double weight(RewardComponent component) {
        return weights.getOrDefault(component, 0.0);
    }

    public RewardConfig withWeight(RewardComponent component, double weight) {
        Map<RewardComponent, Double> changed = new EnumMap<>(RewardComponent.class);
        changed.putAll(weights);
        changed.put(component, weight);
        return new RewardConfig(correct, executableWrong, failed, changed, targetChars, maxChars, cacheEntries);
    }

    public RewardConfig withExecutionValues(double correctValue, double executableWrongValue, double failedValue) {
        return new RewardConfig(correctValue, executableWrongValue, failedValue, weights, targetChars, maxChars, cacheEntries);
    }

    public RewardConfig withLength(int target, int max) {
        return new RewardConfig(correct, executableWrong, failed, weights, target, max, cacheEntries);
    }

    public RewardConfig withCacheEntries(int entries) {
        return new RewardConfig(correct, executableWrong, failed, weights, targetChars, maxChars, entries);
    }
}
