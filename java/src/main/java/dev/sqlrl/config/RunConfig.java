package dev.sqlrl.config;

import java.nio.file.Path;

/**
 * One training run, as read from a YAML file in configs/ (keys in snake_case). {@code sft} and
 * {@code grpo} are null when their section is absent: a run does SFT, then GRPO, for the sections
 * it has. Load and validate with {@link RunConfigs#load}.
 */
public record RunConfig(
        @Key("Run name, used in the run folder's name and in reports.") String name,
        @Key("Seed of sampling, shuffling, dropout and adapter initialization.") long seed,
        @Key("Folder under which the run folder (checkpoints, metrics, resolved config) is made.") Path outputDir,
        @Key("The base model.") ModelSection model,
        @Key("The dataset.") DataSection data,
        @Key("Prompt construction.") PromptSection prompt,
        @Key("LoRA adapters.") LoraSection lora,
        @Key("Supervised fine-tuning; absent: no SFT stage.") SftSection sft,
        @Key("GRPO; absent: no RL stage.") GrpoSection grpo,
        @Key("Rewards.") RewardSection reward,
        @Key("Evaluation.") EvalSection eval,
        @Key("Checkpoints.") CheckpointSection checkpoint,
        @Key("Logging.") LoggingSection logging) {

    /** Sections that are optional: absent from the defaults, filled with their own defaults when present. */
    public static RunConfig defaults() {
        return new RunConfig("run", 0, Path.of("runs"), ModelSection.defaults(), DataSection.defaults(),
                PromptSection.defaults(), LoraSection.defaults(), null, null, RewardSection.defaults(),
                EvalSection.defaults(), CheckpointSection.defaults(), LoggingSection.defaults());
    }
}
