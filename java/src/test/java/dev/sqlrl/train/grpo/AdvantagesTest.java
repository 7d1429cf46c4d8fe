package dev.sqlrl.train.grpo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlrl.config.AdvantageScaling;
import org.junit.jupiter.api.Test;

class AdvantagesTest {

    // Two groups of three: one with spread, one where every sample got the same reward.
    private static final double[] REWARDS = {1.0, 0.0, 0.5, 0.2, 0.2, 0.2};

    // Group 1: mean 0.5, deviations (0.5, -0.5, 0), unbiased variance (0.25 + 0.25 + 0) / 2 = 0.25, std 0.5.
    // Group 2: all equal: std 0, advantages exactly 0.
    private static final double GROUP_1_STD = 0.5;

    // Whole batch: mean 2.1 / 6 = 0.35; deviations 0.65, -0.35, 0.15, -0.15, -0.15, -0.15;
    // squares 0.4225 + 0.1225 + 0.0225 + 3 * 0.0225 = 0.635; unbiased variance 0.635 / 5 = 0.127.
    private static final double BATCH_STD = Math.sqrt(0.127);

    @Test
    void groupScalingDividesByTheGroupsUnbiasedStd() {
        Advantages advantages = Advantages.compute(REWARDS, 3, AdvantageScaling.GROUP);
        double scaledHalf = 0.5 / (GROUP_1_STD + 1e-4); // 0.99980004
        assertArrayEquals(new double[] {scaledHalf, -scaledHalf, 0, 0, 0, 0}, advantages.values(), 1e-12);
    }

    @Test
    void batchScalingDividesByTheStdOfAllRewards() {
        Advantages advantages = Advantages.compute(REWARDS, 3, AdvantageScaling.BATCH);
        double scaledHalf = 0.5 / (BATCH_STD + 1e-4); // 0.5 / 0.35647059 = 1.40264
        assertArrayEquals(new double[] {scaledHalf, -scaledHalf, 0, 0, 0, 0}, advantages.values(), 1e-12);
    }

    @Test
    void noScalingOnlyCentersOnTheGroupMean() {
        Advantages advantages = Advantages.compute(REWARDS, 3, AdvantageScaling.NONE);
        assertArrayEquals(new double[] {0.5, -0.5, 0, 0, 0, 0}, advantages.values(), 1e-12);
    }

    @Test
    void statsDescribeRewardsGroupsAndAdvantages() {
        Advantages advantages = Advantages.compute(REWARDS, 3, AdvantageScaling.NONE);
        assertEquals(0.35, advantages.rewards().mean(), 1e-12);
        assertEquals(BATCH_STD, advantages.rewards().std(), 1e-12);
        assertEquals(0.0, advantages.rewards().min());
        assertEquals(1.0, advantages.rewards().max());
        assertEquals((GROUP_1_STD + 0) / 2, advantages.meanGroupRewardStd(), 1e-12);
        assertEquals(0.5, advantages.zeroSpreadGroupFraction());
        // advantages 0.5, -0.5, 0, 0, 0, 0: mean 0, unbiased variance 0.5 / 5 = 0.1
        assertEquals(0.0, advantages.advantageStats().mean(), 1e-12);
        assertEquals(Math.sqrt(0.1), advantages.advantageStats().std(), 1e-12);
        assertEquals(-0.5, advantages.advantageStats().min(), 1e-12);
        assertEquals(0.5, advantages.advantageStats().max(), 1e-12);
    }

    @Test
    void uniformGroupsGiveExactlyZeroEvenWhenTheMeanDoesNotRoundTrip() {
        // 0.1 * 3 / 3 is not exactly 0.1 in binary; the advantage must still be 0, not 1e-13.
        Advantages advantages = Advantages.compute(new double[] {0.1, 0.1, 0.1}, 3, AdvantageScaling.GROUP);
        assertArrayEquals(new double[] {0, 0, 0}, advantages.values());
        assertEquals(1.0, advantages.zeroSpreadGroupFraction());
    }

    @Test
    void groupSizeThatDoesNotDivideTheBatchIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Advantages.compute(new double[] {1, 0, 1, 0, 1}, 2, AdvantageScaling.GROUP));
        assertTrue(e.getMessage().contains("group size 2 does not divide the batch of 5 rewards"), e.getMessage());
    }

    @Test
    void groupsOfOneAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Advantages.compute(new double[] {1, 0}, 1, AdvantageScaling.NONE));
        assertTrue(e.getMessage().contains("group size must be >= 2"), e.getMessage());
    }

    @Test
    void nonFiniteRewardsAreRejectedByIndex() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Advantages.compute(new double[] {1, Double.NaN}, 2, AdvantageScaling.GROUP));
        assertTrue(e.getMessage().contains("reward 1 is not finite"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Advantages.compute(new double[0], 2, AdvantageScaling.GROUP));
    }
}
