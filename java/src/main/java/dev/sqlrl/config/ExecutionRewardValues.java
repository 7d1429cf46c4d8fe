package dev.sqlrl.config;

/** Values of the execution reward for its three outcomes. */
public record ExecutionRewardValues(
        @Key("Result matches the gold query's result.") double correct,
        @Key("Runs, but the result differs.") double executable,
        @Key("Does not parse, fails or exceeds the sandbox limits.") double failed) {

    /** Arctic-Text2SQL-R1's 1 / 0.1 / 0. */
    public static ExecutionRewardValues defaults() {
        return new ExecutionRewardValues(1.0, 0.1, 0.0);
    }
}
