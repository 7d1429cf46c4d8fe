package dev.sqlrl.config;

/** AdamW and its learning-rate schedule. */
public record OptimizerSection(
        @Key(value = "Peak learning rate.", defaultValue = "2e-4", why = "2e-4 is QLoRA's usual rate for adapters in "
                + "SFT; GRPO's optimizer defaults to 1e-5. LoRA updates are scaled by lora.alpha / lora.rank, so the "
                + "effective step changes with that ratio too; too high a rate makes the loss (SFT) or the reward "
                + "(GRPO) unstable.", min = 0, minExclusive = true, max = 1) double lr,
        @Key(value = "AdamW decoupled weight decay.", defaultValue = "0.0", min = 0, max = 1) double weightDecay,
        @Key(value = "AdamW beta1.", defaultValue = "0.9", min = 0, max = 1, maxExclusive = true) double beta1,
        @Key(value = "AdamW beta2.", defaultValue = "0.999", min = 0, max = 1, maxExclusive = true) double beta2,
        @Key(value = "AdamW epsilon.", defaultValue = "1e-8", min = 0, minExclusive = true) double eps,
        @Key(value = "Clip the global gradient norm to this (0 turns clipping off).", defaultValue = "1.0", min = 0)
                double maxGradNorm,
        @Key(value = "Linear warm-up steps (give this or warmup_ratio, not both).", defaultValue = "0", why = "No "
                + "warm-up by default (TRL's default too), so that giving either warmup_steps or warmup_ratio never "
                + "clashes with a default of the other.", min = 0) int warmupSteps,
        @Key(value = "Linear warm-up as a fraction of all steps (give this or warmup_steps, not both).",
                defaultValue = "0.0", min = 0, max = 1, maxExclusive = true) double warmupRatio,
        @Key(value = "Learning-rate decay after warm-up.", defaultValue = "cosine") Schedule schedule) {

    public enum Schedule { COSINE, LINEAR, CONSTANT }

    /** SFT's optimizer: every key at its declared default. */
    public static OptimizerSection defaults() {
        return KeyDefaults.of(OptimizerSection.class);
    }

    /** GRPO's optimizer: the section default of grpo.optimizer (a lower, constant rate). */
    public static OptimizerSection grpoDefaults() {
        return GrpoSection.defaults().optimizer();
    }
}
