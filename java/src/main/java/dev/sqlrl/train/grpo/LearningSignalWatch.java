package dev.sqlrl.train.grpo;

import java.io.PrintStream;

/**
 * Warns when GRPO has nothing to learn from: when every group's completions got the same reward, every advantage
 * is 0, so are the policy loss and its gradient, and the adapters stay as they are while the run looks healthy.
 * After {@link #STEPS} such steps in a row it says so once, with the usual causes.
 */
final class LearningSignalWatch {
    /** Consecutive steps without any reward spread before the warning. */
    static final int STEPS = 5;

    private final PrintStream out;
    private int flatSteps;
    private boolean warned;

    LearningSignalWatch(PrintStream out) {
        this.out = out;
    }

    /** Records a step by the fraction of its groups whose rewards were all equal (1.0: no group had a spread). */
    void afterStep(long step, double zeroSpreadGroupFraction) {
        flatSteps = zeroSpreadGroupFraction >= 1.0 ? flatSteps + 1 : 0;
        if (flatSteps >= STEPS && !warned) {
            warned = true;
            out.printf("grpo: warning: in the %d steps up to step %d every group's completions got equal rewards, so the"
                    + " advantages, the policy loss and its gradient are 0 and the adapters do not learn. Likely causes:"
                    + " the reward is saturated (all completions right, or all failing: read samples.jsonl),"
                    + " grpo.temperature too low for the samples to differ, grpo.num_generations too small, completions cut"
                    + " at grpo.max_completion_length before the SQL ends, or reward.weights that ignore what differs.%n",
                    flatSteps, step);
            out.flush();
        }
    }

    boolean warned() {
        return warned;
    }
}
