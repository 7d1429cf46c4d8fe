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
     * Records one step's (or update's) outcome.
     *
     * @return true when it was finite
     */
    public boolean record(double loss, double gradNorm) {
        if (Double.isFinite(loss) && Double.isFinite(gradNorm)) {
            consecutive = 0;
            return true;
        }
        consecutive++;
        return false;
    }

    /**
     * Stops the run once maxConsecutive non-finite outcomes came in a row (call it after the step's
     * metrics are written, so that they show the failing step).
     *
     * @param lastGood what to tell the user about the checkpoint that is still intact
     * @throws TrainingDivergedException when the run must stop
     */
    public void stopIfDiverged(long step, String lastGood) {
        if (consecutive >= maxConsecutive) {
            throw new TrainingDivergedException("training stopped at step " + step + ": " + consecutive
                    + " optimizer updates in a row had a non-finite loss or gradient norm; lower the learning rate or check the"
                    + " model and data. " + lastGood);
        }
    }
}
