package dev.sqlrl.config;

import java.nio.file.Path;

/**
 * One training run, as read from a YAML file in configs/ (keys in snake_case). {@code sft} and
 * {@code grpo} are null when their section is absent: a run does SFT, then GRPO, for the sections
 * it has. Load and validate with {@link RunConfigs#load}.
 */
public record RunConfig(
        @Key(value = "Run name, used in the run folder's name and in reports.", defaultValue = "run") String name,
        @Key(value = "Seed of sampling, shuffling, dropout and adapter initialization.", defaultValue = "0") long seed,
        @Key(value = "Folder under which the run folder (checkpoints, metrics, resolved config) is made.",
                defaultValue = "runs") Path outputDir,
        @Key("The base model.") ModelSection model,
        @Key("The dataset.") DataSection data,
        @Key("Prompt construction.") PromptSection prompt,
        @Key("LoRA adapters.") LoraSection lora,
        @Key(value = "Supervised fine-tuning; absent: no SFT stage.", absentByDefault = true) SftSection sft,
        @Key(value = "GRPO; absent: no RL stage.", absentByDefault = true) GrpoSection grpo,
        @Key("Rewards.") RewardSection reward,
        @Key("Evaluation.") EvalSection eval,
        @Key("Checkpoints.") CheckpointSection checkpoint,
        @Key("Logging.") LoggingSection logging,
        @Key("Data-parallel training over several processes (ignored by a single process).")
                DistributedSection distributed) {

    /** Every key at its declared default; the stage sections are absent (filled with their own defaults when present). */
    public static RunConfig defaults() {
        return KeyDefaults.of(RunConfig.class);
    }
}
