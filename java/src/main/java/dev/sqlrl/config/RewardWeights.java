package dev.sqlrl.config;

/**
 * Weights of the reward components in the composite reward (a weight of 0 skips computing that component).
 * Execution only by default, as Arctic-Text2SQL-R1 found best; the others are there to experiment with.
 */
public record RewardWeights(
        @Key(value = "Execution: the SQL's result against the gold query's (values in reward.execution).",
                defaultValue = "1.0", min = 0) double execution,
        @Key(value = "Syntax: the SQL parses.", defaultValue = "0.0", min = 0) double syntax,
        @Key(value = "Schema grounding: fraction of referenced tables and columns that exist.", defaultValue = "0.0",
                min = 0) double schema,
        @Key(value = "Format: the completion follows the template's answer format.", defaultValue = "0.0", min = 0)
                double format,
        @Key(value = "Partial: clause-level F1 against the gold SQL (Spider's component matching).",
                defaultValue = "0.0", min = 0) double partial,
        @Key(value = "Length: penalty for long completions.", defaultValue = "0.0", min = 0) double length) {

    public static RewardWeights defaults() {
        return KeyDefaults.of(RewardWeights.class);
    }

    public double sum() {
        return execution + syntax + schema + format + partial + length;
    }
}
