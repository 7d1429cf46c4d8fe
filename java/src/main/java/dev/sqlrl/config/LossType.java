package dev.sqlrl.config;

/**
 * How the per-token GRPO loss is normalized into one scalar (TRL's {@code loss_type}). The per-token
 * loss is the same for all; they differ in how much weight a token of a long completion gets.
 */
public enum LossType {
    /** Mean over each completion's active tokens, then mean over completions (DeepSeekMath). */
    GRPO,
    /** Sum over the micro-batch / active tokens in the micro-batch. */
    BNPO,
    /** Sum over the micro-batch / (completions in the micro-batch x max completion length): Dr. GRPO. */
    DR_GRPO,
    /** Sum over the micro-batch / active tokens in the whole accumulated batch (all micro-batches): DAPO. */
    DAPO
}
