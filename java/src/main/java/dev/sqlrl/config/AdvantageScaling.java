package dev.sqlrl.config;

/** How group-relative advantages are scaled (TRL's {@code scale_rewards}). */
public enum AdvantageScaling {
    /** (r - group mean) / (group std + 1e-4): the original GRPO. */
    GROUP,
    /** (r - group mean) / (std of the whole batch + 1e-4): less noisy for small groups. */
    BATCH,
    /** r - group mean: Dr. GRPO, which argues that dividing by the std biases towards easy/hard prompts. */
    NONE
}
