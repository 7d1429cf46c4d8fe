package dev.sqlrl.sql;

/**
 * The execution match of one (gold, prediction) pair.
 *
 * @param match whether the prediction's result is the gold's
 * @param reason why not (null on a match): a failed query or how the results differ
 * @param gold the gold query's result
 * @param predicted the prediction's result
 * @param goldOrdered whether row order was compared
 */
public record MatchOutcome(boolean match, String reason, ExecutionResult gold, ExecutionResult predicted, boolean goldOrdered) {

    /** True when the gold query itself failed, so the pair says nothing about the prediction. */
    public boolean goldFailed() {
        return !gold.isSuccess();
    }
}
