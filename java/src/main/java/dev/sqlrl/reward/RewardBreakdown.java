package dev.sqlrl.reward;

import java.util.Map;

/**
 * The reward of one completion: every component, the weighted total, and what was scored.
 *
 * @param total      sum of weight x value over the components
 * @param components value of each component (all of them, whatever their weight)
 * @param sql        the SQL extracted from the completion, or null when there was none
 * @param outcome    how execution went
 * @param detail     one line on a failure or mismatch (the sandbox's message), or null
 */
public record RewardBreakdown(double total, Map<RewardComponent, Double> components, String sql,
                              ExecutionOutcome outcome, String detail) {
    public RewardBreakdown {
        components = java.util.Collections.unmodifiableMap(new java.util.EnumMap<>(components));
    }

    public double get(RewardComponent component) {
        return components.get(component);
    }
}
