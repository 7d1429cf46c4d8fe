package dev.sqlrl.train.grpo;

/** Sees each micro-batch's loss inputs and the per-token gradient GrpoStep hands to native backward (tests). */
interface BackwardListener {
    BackwardListener NONE = (iteration, firstCompletion, batch, result) -> {};

    /**
     * @param iteration       pass over the step's samples, from 0 (num_iterations)
     * @param firstCompletion index in the step's completions of the batch's first completion
     * @param batch           what the loss was computed on
     * @param result          the loss; its dLossDLogp is what backward receives
     */
    void beforeBackward(int iteration, int firstCompletion, GrpoBatch batch, GrpoLossResult result);
}
