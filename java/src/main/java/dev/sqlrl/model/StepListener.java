package dev.sqlrl.model;

/**
 * Told each step of a generate call while it runs (a server streaming tokens as they come). Called on the
 * generating thread, between native steps: keep it short, and never call the model from it.
 */
@FunctionalInterface
public interface StepListener {
    /**
     * @param step   the step, from 0
     * @param tokens per output row (prompt-major, samples together), the token drawn at this step, or -1 for a
     *               row that had already stopped
     * @return false to end the generation after this step (the completions then hold the steps so far)
     */
    boolean onStep(int step, int[] tokens);
}
