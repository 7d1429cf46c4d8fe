package dev.sqlrl.train.grpo;

import dev.sqlrl.config.AdvantageScaling;
import java.util.Objects;

/**
 * Group-relative advantages of one generation batch, following TRL's GRPOTrainer: the batch holds
 * consecutive groups of {@code groupSize} completions of the same prompt; each reward is compared
 * with its group's mean and, depending on {@link AdvantageScaling}, divided by a standard deviation
 * plus {@link #STD_EPSILON}. Standard deviations are unbiased (Bessel-corrected), as torch's
 * {@code Tensor.std()} that TRL calls.
 *
 * @param values one advantage per reward, in the rewards' order (the caller owns the array)
 * @param rewards mean/std/min/max of the rewards over the batch
 * @param meanGroupRewardStd the mean over groups of each group's reward std (TRL logs it as {@code reward_std})
 * @param zeroSpreadGroupFraction fraction of groups whose rewards are all equal: those carry no learning signal
 * @param advantageStats mean/std/min/max of the advantages
 */
public record Advantages(
        double[] values,
        SummaryStats rewards,
        double meanGroupRewardStd,
        double zeroSpreadGroupFraction,
        SummaryStats advantageStats) {

    /** Added to the std before dividing so that near-uniform groups do not blow up (TRL's constant). */
    public static final double STD_EPSILON = 1e-4;

    /**
     * Advantages of {@code rewards}, grouped in consecutive runs of {@code groupSize}.
     *
     * @throws IllegalArgumentException when the rewards are empty or not finite, the group size is below 2
     *     (one sample has nothing to be compared with), or it does not divide the number of rewards
     */
    public static Advantages compute(double[] rewards, int groupSize, AdvantageScaling scaling) {
        Objects.requireNonNull(rewards, "rewards");
        Objects.requireNonNull(scaling, "scaling");
        validate(rewards, groupSize);
        int groups = rewards.length / groupSize;
        double[] groupMeans = new double[groups];
        double[] groupStds = new double[groups];
        boolean[] zeroSpread = new boolean[groups];
        int zeroSpreadGroups = 0;
        double groupStdSum = 0;
        for (int g = 0; g < groups; g++) {
            int from = g * groupSize;
            int to = from + groupSize;
            groupMeans[g] = SummaryStats.mean(rewards, from, to);
            groupStds[g] = SummaryStats.unbiasedStd(rewards, from, to, groupMeans[g]);
            zeroSpread[g] = allEqual(rewards, from, to);
            if (zeroSpread[g]) {
                zeroSpreadGroups++;
            }
            groupStdSum += groupStds[g];
        }
        SummaryStats rewardStats = SummaryStats.of(rewards);
        double[] values = new double[rewards.length];
        for (int i = 0; i < rewards.length; i++) {
            int g = i / groupSize;
            if (zeroSpread[g]) {
                continue; // exactly 0, not the rounding residue of r - mean
            }
            double centered = rewards[i] - groupMeans[g];
            values[i] = switch (scaling) {
                case GROUP -> centered / (groupStds[g] + STD_EPSILON);
                case BATCH -> centered / (rewardStats.std() + STD_EPSILON);
                case NONE -> centered;
            };
        }
        return new Advantages(
                values,
                rewardStats,
                groupStdSum / groups,
                (double) zeroSpreadGroups / groups,
                SummaryStats.of(values));
    }

    private static void validate(double[] rewards, int groupSize) {
        if (rewards.length == 0) {
            throw new IllegalArgumentException("no rewards to compute advantages from");
        }
        if (groupSize < 2) {
            throw new IllegalArgumentException(
                    "group size must be >= 2 (advantages compare samples of the same prompt), got " + groupSize);
        }
        if (rewards.length % groupSize != 0) {
            throw new IllegalArgumentException("group size " + groupSize + " does not divide the batch of "
                    + rewards.length + " rewards");
        }
        for (int i = 0; i < rewards.length; i++) {
            if (!Double.isFinite(rewards[i])) {
                throw new IllegalArgumentException("reward " + i + " is not finite: " + rewards[i]);
            }
        }
    }

    private static boolean allEqual(double[] values, int from, int to) {
        for (int i = from + 1; i < to; i++) {
            if (values[i] != values[from]) {
                return false;
            }
        }
        return true;
    }
}
