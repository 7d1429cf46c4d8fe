package dev.sqlrl.config;

/** Values of the execution reward for its three outcomes: Arctic-Text2SQL-R1's 1 / 0.1 / 0 by default. */
public record ExecutionRewardValues(
        @Key(value = "Result matches the gold query's result.", defaultValue = "1.0") double correct,
        @Key(value = "Runs, but the result differs.", defaultValue = "0.1", why = "A little above failed, so that in a "
                + "group with no correct answer the queries that run still get a positive advantage; as large as "
                + "correct it would reward any running query as much as a right one.") double executable,
        @Key(value = "Does not parse, fails or exceeds the sandbox limits.", defaultValue = "0.0") double failed) {

    public static ExecutionRewardValues defaults() {
        return KeyDefaults.of(ExecutionRewardValues.class);
    }
}
