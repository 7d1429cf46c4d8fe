package dev.sqlrl.train;

/**
 * Watches each step's loss and gradient norm: a non-finite step is skipped (its gradients dropped, the
 * optimizer not stepped) and reported; after {@code maxConsecutive} in a row the run stops.
 */
public final class NonFiniteGuard {
    /** Skipped steps in a row that stop a run. */
    public static final int DEFAULT_MAX_CONSECUTIVE = 3;

    private final int maxConsecutive;
    private int consecutive;

    public NonFiniteGuard(int maxConsecutive) {
        if (maxConsecutive < 1) {
            throw new IllegalArgumentException("maxConsecutive must be >= 1, got " + maxConsecutive);
        }
        this.maxConsecutive = maxConsecutive;
    }

    /**
     * Records one step's outcome.
     *
     * @param lastGood what to tell the user about the checkpoint that is still intact
     * @return true when the step was finite
     * @throws TrainingDivergedException on the maxConsecutive-th non-finite step in a row
     */
    public boolean record(long step, double loss, double gradNorm, String lastGood) {
        if (Double.isFinite(loss) && Double.isFinite(gradNorm)) {
            consecutive = 0;
            return true;
        }
        consecutive++;
        if (consecutive >= maxConsecutive) {
            throw new TrainingDivergedException("training stopped at step " + step + ": " + consecutive
                    + " steps in a row had a non-finite loss or gradient norm (loss " + loss + ", gradient norm "
                    + gradNorm + "); lower the learning rate or check the data. " + lastGood);
        }
        return false;
    }
}
