package dev.sqlrl.config;

/** How completions are rewarded. */
public record RewardSection(
        @Key("Weight of each component in the composite reward.") RewardWeights weights,
        @Key("Execution reward values.") ExecutionRewardValues execution,
        @Key("Limits of one query.") SandboxSection sandbox,
        @Key(value = "Threads computing rewards (running SQL) in parallel; 0 uses every core.", defaultValue = "0",
                min = 0) int threads) {

    public static RewardSection defaults() {
        return KeyDefaults.of(RewardSection.class);
    }
}
