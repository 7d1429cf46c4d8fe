package dev.sqlrl.sql.spider;

/**
 * The score of one component of the partial match (evaluation.py's {@code eval_partial_match}).
 * {@link #accuracy()}, {@link #recall()} and {@link #f1()} are the evaluator's own, which are all-or-nothing
 * ({@code get_scores}: 1 only when the counts agree and every predicted unit matched); the graded
 * {@link #gradedPrecision()}, {@link #gradedRecall()} and {@link #gradedF1()} come from the same counts, for
 * partial credit.
 *
 * @param labelTotal units of this component in the gold query
 * @param predTotal  units of this component in the prediction
 * @param matched    predicted units that matched a gold unit
 */
public record ComponentScore(int labelTotal, int predTotal, int matched) {

    /** get_scores: 1 when both sides have the same number of units and all of them matched. */
    public int f1() {
        return predTotal == labelTotal && matched == predTotal ? 1 : 0;
    }

    public int accuracy() {
        return f1();
    }

    public int recall() {
        return f1();
    }

    /** Matched / predicted; 1 when neither side has the component, 0 when only the gold has it. */
    public double gradedPrecision() {
        return predTotal == 0 ? (labelTotal == 0 ? 1.0 : 0.0) : (double) matched / predTotal;
    }

    /** Matched / gold; 1 when neither side has the component, 0 when only the prediction has it. */
    public double gradedRecall() {
        return labelTotal == 0 ? (predTotal == 0 ? 1.0 : 0.0) : (double) matched / labelTotal;
    }

    public double gradedF1() {
        double p = gradedPrecision();
        double r = gradedRecall();
        return p + r == 0 ? 0.0 : 2 * p * r / (p + r);
    }
}
