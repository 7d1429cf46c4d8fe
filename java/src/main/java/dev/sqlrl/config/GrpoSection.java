package dev.sqlrl.config;


/**
 * Group Relative Policy Optimization. Each step samples num_generations completions for each of
 * prompts_per_step prompts, rewards them by running the SQL, and makes
 * (prompts_per_step * num_generations / micro_batch_size / grad_accumulation) optimizer updates,
 * num_iterations times over the same samples. Defaults follow TRL's GRPOTrainer where a user
 * would look for them, with DAPO's loss and clip-higher (see configs/grpo_spider.yaml for why).
 */
public record GrpoSection(
        @Key(value = "Generation steps (each samples a fresh batch of prompts).", min = 1) int steps,
        @Key(value = "Prompts sampled per step.", min = 1) int promptsPerStep,
        @Key(value = "Completions sampled per prompt (the group size K); advantages compare them with each other.",
                min = 2) int numGenerations,
        @Key(value = "Completions per forward/backward pass; must divide prompts_per_step * num_generations.", min = 1)
                int microBatchSize,
        @Key(value = "Micro-batches per optimizer update; must divide the micro-batches of a step.", min = 1)
                int gradAccumulation,
        @Key(value = "Sampling temperature.", min = 0, minExclusive = true, max = 10) double temperature,
        @Key(value = "Nucleus sampling: keep the smallest set of tokens with this much probability (1 turns it off).",
                min = 0, minExclusive = true, max = 1) double topP,
        @Key(value = "Sample among the k most likely tokens (0 turns it off).", min = 0) int topK,
        @Key(value = "Completion tokens sampled at most; longer completions are truncated.", min = 1)
                int maxCompletionLength,
        @Key(value = "Weight of the k3 KL penalty against the adapter-free reference model (0 skips the reference pass).",
                min = 0) double beta,
        @Key(value = "Lower clip: the ratio is clipped below at 1 - eps_low.", min = 0, minExclusive = true, max = 1,
                maxExclusive = true) double epsLow,
        @Key(value = "Upper clip: the ratio is clipped above at 1 + eps_high (DAPO's clip-higher uses 0.28).", min = 0,
                minExclusive = true) double epsHigh,
        @Key("Normalization of the per-token loss: grpo (per sequence, then mean), bnpo (per micro-batch tokens), "
                + "dr_grpo (batch * max_completion_length), dapo (tokens of the whole accumulated batch).")
                LossType lossType,
        @Key("Advantage scaling: group divides by the group's std, batch by the batch's std, none only centers (Dr. GRPO).")
                AdvantageScaling scaleRewards,
        @Key(value = "Optimization passes over each step's samples (mu); above 1 the clipped importance ratio matters.",
                min = 1, max = 16) int numIterations,
        @Key("Completions cut off at max_completion_length get no loss (DAPO's overlong filtering).")
                boolean maskTruncatedCompletions,
        @Key("DAPO's dynamic sampling: a group whose completions all got the same reward has zero advantage and no "
                + "gradient, so it is dropped and further prompts are drawn until prompts_per_step groups with a spread "
                + "are found (or dynamic_sampling_max_draws extra rounds were sampled; then the step is filled with "
                + "dropped groups). Costs extra sampling when the model is often all right or all wrong.")
                boolean dynamicSampling,
        @Key(value = "Extra sampling rounds per step at most when dynamic_sampling is on.", min = 1, max = 64)
                int dynamicSamplingMaxDraws,
        @Key(value = "Stop after this many evaluations (eval.every_n_steps) without a better execution accuracy (0 never "
                + "stops early), as sft.early_stopping_patience does.", min = 0) int earlyStoppingPatience,
        @Key("Optimizer and schedule of this stage.") OptimizerSection optimizer) {

    public static GrpoSection defaults() {
        return new GrpoSection(500, 8, 8, 8, 8, 1.0, 1.0, 0, 256, 0.0, 0.2, 0.28, LossType.DAPO,
                AdvantageScaling.GROUP, 1, false, false, 3, 0, OptimizerSection.grpoDefaults());
    }

    /** Completions sampled in one step. */
    public int completionsPerStep() {
        return promptsPerStep * numGenerations;
    }
}
