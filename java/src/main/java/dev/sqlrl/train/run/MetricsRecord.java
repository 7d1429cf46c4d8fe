package dev.sqlrl.train.run;

/**
 * One line of metrics.jsonl, as a Java record whose components carry their key in {@link Metric}; {@link MetricsJson}
 * writes it. A component without {@link Metric} must itself be a record of metrics (a group, written in place), except
 * {@code step}, which is the line's step.
 */
public interface MetricsRecord {
    /** The line's step: the training step, or for an evaluation the step it evaluated after. */
    long step();

    /** The line's stage, one of {@link MetricsLog#STAGES}. */
    String stage();
}
