package dev.sqlrl.config;

/** AdamW and its learning-rate schedule. */
public record OptimizerSection(
        @Key(value = "Peak learning rate.", min = 0, minExclusive = true, max = 1) double lr,
        @Key(value = "AdamW decoupled weight decay.", min = 0, max = 1) double weightDecay,
        @Key(value = "AdamW beta1.", min = 0, max = 1, maxExclusive = true) double beta1,
        @Key(value = "AdamW beta2.", min = 0, max = 1, maxExclusive = true) double beta2,
        @Key(value = "AdamW epsilon.", min = 0, minExclusive = true) double eps,
        @Key(value = "Clip the global gradient norm to this (0 turns clipping off).", min = 0) double maxGradNorm,
        @Key(value = "Linear warm-up steps (give this or warmup_ratio, not both).", min = 0) int warmupSteps,
        @Key(value = "Linear warm-up as a fraction of all steps (give this or warmup_steps, not both).", min = 0,
                max = 1, maxExclusive = true) double warmupRatio,
        @Key("Learning-rate decay after warm-up.") Schedule schedule) {

    public enum Schedule { COSINE, LINEAR, CONSTANT }

    /**
     * SFT of LoRA adapters: QLoRA's usual 2e-4. No warm-up by default (TRL's default too), so that
     * giving either warmup_steps or warmup_ratio never clashes with a default of the other.
     */
    public static OptimizerSection defaults() {
        return new OptimizerSection(2e-4, 0.0, 0.9, 0.999, 1e-8, 1.0, 0, 0.0, Schedule.COSINE);
    }

    /** RL moves the policy much less per step than SFT: 1e-5 is common for LoRA GRPO; constant as in TRL's recipes. */
    public static OptimizerSection grpoDefaults() {
        return new OptimizerSection(1e-5, 0.0, 0.9, 0.999, 1e-8, 1.0, 0, 0.0, Schedule.CONSTANT);
    }
}
