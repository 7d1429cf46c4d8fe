package dev.sqlrl.train.grpo;

import static dev.sqlrl.train.run.MetricKeys.ACTIVE_TOKENS;
import static dev.sqlrl.train.run.MetricKeys.ADVANTAGE_MAX;
import static dev.sqlrl.train.run.MetricKeys.DYNAMIC_DROPPED_GROUPS;
import static dev.sqlrl.train.run.MetricKeys.DYNAMIC_EXTRA_PROMPTS;
import static dev.sqlrl.train.run.MetricKeys.DYNAMIC_ROUNDS;
import static dev.sqlrl.train.run.MetricKeys.ADVANTAGE_MEAN;
import static dev.sqlrl.train.run.MetricKeys.ADVANTAGE_MIN;
import static dev.sqlrl.train.run.MetricKeys.ADVANTAGE_STD;
import static dev.sqlrl.train.run.MetricKeys.CLIP_RATIO_HIGH;
import static dev.sqlrl.train.run.MetricKeys.CLIP_RATIO_LOW;
import static dev.sqlrl.train.run.MetricKeys.CLIP_RATIO_REGION;
import static dev.sqlrl.train.run.MetricKeys.COMPLETION_LENGTH_MAX;
import static dev.sqlrl.train.run.MetricKeys.COMPLETION_LENGTH_MEAN;
import static dev.sqlrl.train.run.MetricKeys.COMPLETION_LENGTH_MIN;
import static dev.sqlrl.train.run.MetricKeys.COMPLETION_LENGTH_TRUNCATED_FRACTION;
import static dev.sqlrl.train.run.MetricKeys.ENTROPY;
import static dev.sqlrl.train.run.MetricKeys.GRAD_NORM;
import static dev.sqlrl.train.run.MetricKeys.IMPORTANCE_RATIO_MAX;
import static dev.sqlrl.train.run.MetricKeys.IMPORTANCE_RATIO_MEAN;
import static dev.sqlrl.train.run.MetricKeys.IMPORTANCE_RATIO_MIN;
import static dev.sqlrl.train.run.MetricKeys.KL;
import static dev.sqlrl.train.run.MetricKeys.LEARNING_RATE;
import static dev.sqlrl.train.run.MetricKeys.LOSS;
import static dev.sqlrl.train.run.MetricKeys.REWARD;
import static dev.sqlrl.train.run.MetricKeys.REWARD_COMPONENT_PREFIX;
import static dev.sqlrl.train.run.MetricKeys.REWARD_GROUP_STD;
import static dev.sqlrl.train.run.MetricKeys.REWARD_MAX;
import static dev.sqlrl.train.run.MetricKeys.REWARD_MIN;
import static dev.sqlrl.train.run.MetricKeys.REWARD_STD;
import static dev.sqlrl.train.run.MetricKeys.SKIPPED_UPDATES;
import static dev.sqlrl.train.run.MetricKeys.TIME_REFERENCE_S;
import static dev.sqlrl.train.run.MetricKeys.TIME_REWARD_S;
import static dev.sqlrl.train.run.MetricKeys.TIME_SAMPLE_S;
import static dev.sqlrl.train.run.MetricKeys.TIME_UPDATE_S;
import static dev.sqlrl.train.run.MetricKeys.TOKENS_PER_S_SAMPLE;
import static dev.sqlrl.train.run.MetricKeys.TOKENS_PER_S_UPDATE;
import static dev.sqlrl.train.run.MetricKeys.TRAIN_SAMPLE_EX;
import static dev.sqlrl.train.run.MetricKeys.UPDATES;
import static dev.sqlrl.train.run.MetricKeys.ZERO_SPREAD_GROUPS;

import dev.sqlrl.train.run.Metric;
import dev.sqlrl.train.run.MetricsRecord;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * The metrics.jsonl line of one GRPO step (stage "grpo"), in the order it is written: what was sampled and how it
 * was rewarded, the completion lengths (as the loss saw them), the updates, the time of each phase.
 *
 * @param entropy               mean -log p of the sampled tokens, an estimate of the sampling distribution's entropy
 * @param tokensPerSecondSample generated tokens per second while sampling
 */
public record GrpoStepMetrics(
        long step,
        Rewards rewards,
        @Metric(ENTROPY) double entropy,
        Lengths lengths,
        @Metric(TOKENS_PER_S_SAMPLE) double tokensPerSecondSample,
        Updates updates,
        Times times,
        Dynamic dynamic) implements MetricsRecord {

    @Override
    public String stage() {
        return GrpoTrainer.STAGE;
    }

    /**
     * The rewards of the step's completions and their group-relative advantages.
     *
     * @param mean             mean total (weighted) reward
     * @param groupStd         mean over groups of a group's reward standard deviation
     * @param zeroSpreadGroups fraction of groups whose completions all got the same reward
     * @param components       mean of each reward component before weighting, by component key (in RewardComponent order)
     * @param sampleEx         fraction of completions whose result matches the gold query's
     */
    public record Rewards(
            @Metric(REWARD) double mean,
            @Metric(REWARD_STD) double std,
            @Metric(REWARD_MIN) double min,
            @Metric(REWARD_MAX) double max,
            @Metric(REWARD_GROUP_STD) double groupStd,
            @Metric(ZERO_SPREAD_GROUPS) double zeroSpreadGroups,
            @Metric(REWARD_COMPONENT_PREFIX) Map<String, Double> components,
            @Metric(TRAIN_SAMPLE_EX) double sampleEx,
            @Metric(ADVANTAGE_MEAN) double advantageMean,
            @Metric(ADVANTAGE_STD) double advantageStd,
            @Metric(ADVANTAGE_MIN) double advantageMin,
            @Metric(ADVANTAGE_MAX) double advantageMax) {
        public Rewards {
            components = Collections.unmodifiableMap(new LinkedHashMap<>(components));
        }
    }

    /**
     * Completion lengths in tokens over every completion the loss saw (all of them, unless an update's log-probs were
     * non-finite before its loss; min and max are empty when the loss saw none).
     *
     * @param truncatedFraction fraction of completions that ended without a stop token
     */
    public record Lengths(
            @Metric(COMPLETION_LENGTH_MEAN) double mean,
            @Metric(COMPLETION_LENGTH_MIN) OptionalInt min,
            @Metric(COMPLETION_LENGTH_MAX) OptionalInt max,
            @Metric(COMPLETION_LENGTH_TRUNCATED_FRACTION) double truncatedFraction) {}

    /**
     * The step's optimizer updates. Loss and gradient norm are means over the applied updates (NaN when none was);
     * the loss's token statistics are over the active tokens of every micro-batch of every iteration.
     *
     * @param kl                    mean k3 KL to the reference; empty without a reference pass (beta = 0)
     * @param importanceRatioMean   mean importance ratio exp(logp - old logp); NaN when no token was active
     * @param activeTokens          completion tokens that carried loss, summed over the updates
     * @param attempted             optimizer updates tried
     * @param skipped               updates skipped for a non-finite loss or gradient
     * @param tokensPerSecondUpdate prompt and completion tokens per second through the updates
     */
    public record Updates(
            @Metric(LOSS) double loss,
            @Metric(GRAD_NORM) double gradNorm,
            @Metric(LEARNING_RATE) double learningRate,
            @Metric(KL) OptionalDouble kl,
            @Metric(CLIP_RATIO_LOW) double clipRatioLow,
            @Metric(CLIP_RATIO_HIGH) double clipRatioHigh,
            @Metric(CLIP_RATIO_REGION) double clipRatioRegion,
            @Metric(IMPORTANCE_RATIO_MEAN) double importanceRatioMean,
            @Metric(IMPORTANCE_RATIO_MIN) double importanceRatioMin,
            @Metric(IMPORTANCE_RATIO_MAX) double importanceRatioMax,
            @Metric(ACTIVE_TOKENS) long activeTokens,
            @Metric(UPDATES) int attempted,
            @Metric(SKIPPED_UPDATES) int skipped,
            @Metric(TOKENS_PER_S_UPDATE) double tokensPerSecondUpdate) {}

    /**
     * grpo.dynamic_sampling's cost; every field empty (its keys left out) when it is off.
     *
     * @param droppedGroups groups set aside for having no reward spread, over every round
     * @param extraPrompts  prompts sampled beyond the step's own
     * @param rounds        extra sampling rounds
     */
    public record Dynamic(
            @Metric(DYNAMIC_DROPPED_GROUPS) OptionalInt droppedGroups,
            @Metric(DYNAMIC_EXTRA_PROMPTS) OptionalInt extraPrompts,
            @Metric(DYNAMIC_ROUNDS) OptionalInt rounds) {
        public static final Dynamic OFF = new Dynamic(OptionalInt.empty(), OptionalInt.empty(), OptionalInt.empty());

        public Dynamic(int droppedGroups, int extraPrompts, int rounds) {
            this(OptionalInt.of(droppedGroups), OptionalInt.of(extraPrompts), OptionalInt.of(rounds));
        }
    }

    /** Seconds of each phase of the step. */
    public record Times(
            @Metric(TIME_SAMPLE_S) double sampleSeconds,
            @Metric(TIME_REWARD_S) double rewardSeconds,
            @Metric(TIME_REFERENCE_S) double referenceSeconds,
            @Metric(TIME_UPDATE_S) double updateSeconds) {}
}
