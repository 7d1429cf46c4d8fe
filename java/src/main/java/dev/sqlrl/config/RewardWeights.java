package dev.sqlrl.config;

/** Weights of the reward components in the composite reward (a weight of 0 skips computing that component). */
public record RewardWeights(
        @Key(value = "Execution: the SQL's result against the gold query's (values in reward.execution).", min = 0)
                double execution,
        @Key(value = "Syntax: the SQL parses.", min = 0) double syntax,
        @Key(value = "Schema grounding: fraction of referenced tables and columns that exist.", min = 0) double schema,
        @Key(value = "Format: the completion follows the template's answer format.", min = 0) double format,
        @Key(value = "Partial: clause-level F1 against the gold SQL (Spider's component matching).", min = 0)
                double partial,
        @Key(value = "Length: penalty for long completions.", min = 0) double length) {

    /** Execution only, as Arctic-Text2SQL-R1 found best; the others are there to experiment with. */
    public static RewardWeights defaults() {
        return new RewardWeights(1.0, 0.0, 0.0, 0.0, 0.0, 0.0);
    }

    public double sum() {
        return execution + syntax + schema + format + partial + length;
    }
}
