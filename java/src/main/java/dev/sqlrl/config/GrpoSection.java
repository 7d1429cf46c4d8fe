package dev.sqlrl.config;

/**
 * Group Relative Policy Optimization. Each step samples num_generations completions for each of
 * prompts_per_step prompts, rewards them by running the SQL, and makes
 * (prompts_per_step * num_generations / micro_batch_size / grad_accumulation) optimizer updates,
 * num_iterations times over the same samples. Defaults follow TRL's GRPOTrainer where a user
 * would look for them, with DAPO's loss and clip-higher (see configs/grpo_spider.yaml for why).
 */
public record GrpoSection(
        @Key(value = "Generation steps (each samples a fresh batch of prompts).", defaultValue = "500", min = 1) int steps,
        @Key(value = "Prompts sampled per step.", defaultValue = "8", min = 1) int promptsPerStep,
        @Key(value = "Completions sampled per prompt (the group size K); advantages compare them with each other.",
                defaultValue = "8", why = "A group whose K completions all get the same reward has zero advantages "
                + "and gives no gradient; a larger K makes that rarer and the group baseline less noisy, at K times "
                + "the sampling cost per prompt (dynamic_sampling draws more prompts instead).", min = 2) int numGenerations,
        @Key(value = "Completions per forward/backward pass; must divide prompts_per_step * num_generations.",
                defaultValue = "8", min = 1) int microBatchSize,
        @Key(value = "Micro-batches per optimizer update; must divide the micro-batches of a step.", defaultValue = "8",
                min = 1) int gradAccumulation,
        @Key(value = "Sampling temperature.", defaultValue = "1.0", why = "The importance ratio and the KL assume the "
                + "completions are sampled from the policy itself; below 1 samples a sharper distribution than the one "
                + "trained and narrows the spread of rewards within a group (fewer prompts with a gradient).",
                min = 0, minExclusive = true, max = 10) double temperature,
        @Key(value = "Nucleus sampling: keep the smallest set of tokens with this much probability (1 turns it off).",
                defaultValue = "1.0", min = 0, minExclusive = true, max = 1) double topP,
        @Key(value = "Sample among the k most likely tokens (0 turns it off).", defaultValue = "0", min = 0) int topK,
        @Key(value = "Completion tokens sampled at most; longer completions are truncated.", defaultValue = "256",
                why = "A Spider or BIRD query in a ```sql fence fits in well under 200 tokens; a longer limit costs "
                + "sampling time on completions that ramble.", min = 1) int maxCompletionLength,
        @Key(value = "Weight of the k3 KL penalty against the adapter-free reference model (0 skips the reference pass).",
                defaultValue = "0.0", why = "0 as in DAPO, Dr. GRPO and TRL's current default: LoRA already keeps the "
                + "policy near the base model, and no reference log-probs are computed (one forward pass less per "
                + "update). 0.04 (DeepSeekMath's value) adds the KL, which holds the policy nearer the base model at "
                + "the price of slower reward gains.", min = 0) double beta,
        @Key(value = "Lower clip: the ratio is clipped below at 1 - eps_low.", defaultValue = "0.2", why = "PPO's and "
                + "TRL's 0.2. The clip bounds how far one update moves a token's probability from the sampling policy: "
                + "smaller is steadier and slower. It acts only on samples drawn before an earlier update (num_iterations "
                + "> 1, or several updates per step).",
                min = 0, minExclusive = true, max = 1, maxExclusive = true) double epsLow,
        @Key(value = "Upper clip: the ratio is clipped above at 1 + eps_high (DAPO's clip-higher uses 0.28).",
                defaultValue = "0.28", why = "Above eps_low (DAPO's clip-higher), unlikely tokens with a positive "
                + "advantage may grow further, which counters entropy collapse; set it to eps_low for PPO's symmetric "
                + "clip.", min = 0, minExclusive = true) double epsHigh,
        @Key(value = "Normalization of the per-token loss: grpo (per sequence, then mean), bnpo (per micro-batch tokens), "
                + "dr_grpo (batch * max_completion_length), dapo (tokens of the whole accumulated batch).",
                defaultValue = "dapo", why = "dapo weighs every token of the accumulated batch the same, so a long wrong "
                + "query is not under-penalized as with grpo's per-sequence mean (which favours long wrong and short "
                + "right answers), and the loss does not depend on how the batch is cut into micro-batches, as bnpo's "
                + "does; dr_grpo weighs tokens the same with a constant denominator.") LossType lossType,
        @Key(value = "Advantage scaling: group divides by the group's std, batch by the batch's std, none only centers "
                + "(Dr. GRPO).", defaultValue = "group", why = "group is the original GRPO. Dividing by a small group "
                + "std up-weights prompts whose completions barely differ (too easy or too hard); none (Dr. GRPO) "
                + "avoids that bias, batch is a less noisy std for small groups.") AdvantageScaling scaleRewards,
        @Key(value = "Optimization passes over each step's samples (mu); above 1 the clipped importance ratio matters.",
                defaultValue = "1", why = "1 (TRL's default) uses each sample in one update: with one update "
                + "per step that is on-policy and the ratio is 1. Above 1 reuses the samples, the costly part, for "
                + "more updates and relies on the clip to stay stable.", min = 1, max = 16) int numIterations,
        @Key(value = "Completions cut off at max_completion_length get no loss (DAPO's overlong filtering).",
                defaultValue = "false", why = "A truncated SQL query fails to run and should be penalized, not "
                + "ignored; true suits answers that may still be right when cut off.") boolean maskTruncatedCompletions,
        @Key(value = "DAPO's dynamic sampling: a group whose completions all got the same reward has zero advantage and "
                + "no gradient, so it is dropped and further prompts are drawn until prompts_per_step groups with a "
                + "spread are found (or dynamic_sampling_max_draws extra rounds were sampled; then the step is filled "
                + "with dropped groups). Costs extra sampling when the model is often all right or all wrong.",
                defaultValue = "false") boolean dynamicSampling,
        @Key(value = "Extra sampling rounds per step at most when dynamic_sampling is on.", defaultValue = "3", min = 1,
                max = 64) int dynamicSamplingMaxDraws,
        @Key(value = "Stop after this many evaluations (eval.every_n_steps) without a better execution accuracy (0 never "
                + "stops early), as sft.early_stopping_patience does.", defaultValue = "0", why = "Off by default so "
                + "that a run takes the steps it is given; with patience p it ends p evaluations after the best, whose "
                + "checkpoint is kept (checkpoint.keep_best).", min = 0) int earlyStoppingPatience,
        @Key(value = "Optimizer and schedule of this stage.", sectionDefaults = {"lr=1e-5", "schedule=constant"},
                why = "RL should move the policy much less per step than SFT: 1e-5 is common for LoRA GRPO (against "
                + "SFT's 2e-4), with a constant rate as in TRL's recipes.") OptimizerSection optimizer) {

    public static GrpoSection defaults() {
        return KeyDefaults.of(GrpoSection.class);
    }

    /** Completions sampled in one step. */
    public int completionsPerStep() {
        return promptsPerStep * numGenerations;
    }
}
