package dev.sqlrl.train;

import static dev.sqlrl.train.run.MetricKeys.EVAL_EM;
import static dev.sqlrl.train.run.MetricKeys.EVAL_EX;
import static dev.sqlrl.train.run.MetricKeys.EVAL_EXAMPLES;
import static dev.sqlrl.train.run.MetricKeys.EVAL_SECONDS;
import static dev.sqlrl.train.run.MetricKeys.EVAL_SKIPPED;
import static dev.sqlrl.train.run.MetricKeys.OF_STAGE;

import dev.sqlrl.eval.EvaluationReport;
import dev.sqlrl.train.run.Metric;
import dev.sqlrl.train.run.MetricsRecord;

/**
 * The metrics.jsonl line of an evaluation during training (stage "eval").
 *
 * @param step     the training step it evaluated after
 * @param ofStage  the stage it evaluated (sft or grpo)
 * @param ex       execution accuracy
 * @param em       exact set match
 * @param examples examples scored
 * @param skipped  examples not asked because their prompt exceeded the token limit
 */
public record EvalMetrics(
        long step,
        @Metric(OF_STAGE) String ofStage,
        @Metric(EVAL_EX) double ex,
        @Metric(EVAL_EM) double em,
        @Metric(EVAL_EXAMPLES) int examples,
        @Metric(EVAL_SKIPPED) int skipped,
        @Metric(EVAL_SECONDS) double seconds) implements MetricsRecord {
    public static final String STAGE = "eval";

    public static EvalMetrics of(String ofStage, long step, EvaluationReport report, double seconds) {
        return new EvalMetrics(step, ofStage, report.ex(), report.em(), report.results().size(), report.skipped(), seconds);
    }

    @Override
    public String stage() {
        return STAGE;
    }
}
