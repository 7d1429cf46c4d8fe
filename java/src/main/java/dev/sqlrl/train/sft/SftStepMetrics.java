package dev.sqlrl.train.sft;

import static dev.sqlrl.train.run.MetricKeys.ANSWER_TOKENS;
import static dev.sqlrl.train.run.MetricKeys.GRAD_NORM;
import static dev.sqlrl.train.run.MetricKeys.LEARNING_RATE;
import static dev.sqlrl.train.run.MetricKeys.LOSS;
import static dev.sqlrl.train.run.MetricKeys.SKIPPED;
import static dev.sqlrl.train.run.MetricKeys.TIME_UPDATE_S;
import static dev.sqlrl.train.run.MetricKeys.TOKENS_PER_S_UPDATE;

import dev.sqlrl.train.run.Metric;
import dev.sqlrl.train.run.MetricsRecord;

/**
 * The metrics.jsonl line of one SFT step (one optimizer update).
 *
 * @param loss                 mean negative log-likelihood of the answer tokens (NaN when non-finite)
 * @param learningRate         learning rate of the update
 * @param gradNorm             gradient norm before clipping (NaN when the update was skipped)
 * @param answerTokens         answer tokens of the step
 * @param tokensPerSecondUpdate prompt and answer tokens per second through forward/backward and the update
 * @param updateSeconds        seconds of the step
 * @param skipped              whether the update was skipped for a non-finite loss or gradient
 */
public record SftStepMetrics(
        long step,
        @Metric(LOSS) double loss,
        @Metric(LEARNING_RATE) double learningRate,
        @Metric(GRAD_NORM) double gradNorm,
        @Metric(ANSWER_TOKENS) long answerTokens,
        @Metric(TOKENS_PER_S_UPDATE) double tokensPerSecondUpdate,
        @Metric(TIME_UPDATE_S) double updateSeconds,
        @Metric(SKIPPED) boolean skipped) implements MetricsRecord {

    @Override
    public String stage() {
        return SftTrainer.STAGE;
    }
}
