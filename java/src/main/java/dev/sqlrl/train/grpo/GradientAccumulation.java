package dev.sqlrl.train.grpo;

/**
 * Where a micro-batch sits in a gradient-accumulation step: native sums the gradients of all
 * micro-batches before the optimizer steps, so each micro-batch's loss is scaled such that the sum
 * is the loss of the whole accumulated batch (as TRL does).
 *
 * @param microBatches micro-batches accumulated into one optimizer step; grpo, bnpo and dr_grpo divide by it
 * @param activeTokensAllMicroBatches active (unmasked) completion tokens over all those micro-batches,
 *     counted with {@link GrpoLoss#activeTokenCount}; dapo divides by it. With data-parallel ranks whose
 *     gradients are averaged, pass the global count divided by the number of ranks (TRL's convention).
 */
public record GradientAccumulation(int microBatches, long activeTokensAllMicroBatches) {

    public GradientAccumulation {
        if (microBatches < 1) {
            throw new IllegalArgumentException("microBatches must be >= 1, got " + microBatches);
        }
        if (activeTokensAllMicroBatches < 0) {
            throw new IllegalArgumentException(
                    "activeTokensAllMicroBatches must be >= 0, got " + activeTokensAllMicroBatches);
        }
    }
}
