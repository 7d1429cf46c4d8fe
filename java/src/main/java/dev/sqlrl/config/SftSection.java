package dev.sqlrl.config;

/** Supervised fine-tuning on the gold SQL (runs before GRPO when both sections are present). */
public record SftSection(
        @Key(value = "Passes over the training split (used when max_steps is 0).", defaultValue = "2", min = 0,
                max = 1000) int epochs,
        @Key(value = "Optimizer steps; 0 runs the given epochs instead.", defaultValue = "0", min = 0) int maxSteps,
        @Key(value = "Sequences per forward/backward pass.", defaultValue = "8", min = 1) int microBatchSize,
        @Key(value = "Micro-batches whose gradients are summed into one optimizer step.", defaultValue = "2", min = 1)
                int gradAccumulation,
        @Key(value = "Gold SQL longer than this many tokens is skipped.", defaultValue = "256", min = 1)
                int maxTargetTokens,
        @Key(value = "Evaluate every this many optimizer steps (0 only at the end).", defaultValue = "200", min = 0)
                int evalEvery,
        @Key(value = "Stop after this many evaluations without a better execution accuracy (0 never stops early).",
                defaultValue = "0", why = "Off by default so that a run takes the epochs or steps it is given; with "
                + "patience p it ends p evaluations (sft.eval_every steps apart) after the best, whose checkpoint is "
                + "kept (checkpoint.keep_best).", min = 0) int earlyStoppingPatience,
        @Key("Optimizer and schedule of this stage.") OptimizerSection optimizer) {

    public static SftSection defaults() {
        return KeyDefaults.of(SftSection.class);
    }
}
