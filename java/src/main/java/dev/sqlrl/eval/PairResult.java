package dev.sqlrl.eval;

import dev.sqlrl.sql.spider.Hardness;

/**
 * The score of one predictions line.
 *
 * @param record        the line
 * @param ex            execution match of the (chosen) prediction
 * @param em            exact set match of the (chosen) prediction
 * @param hardness      the gold's Spider hardness, or null when the gold is outside process_sql's grammar
 * @param error         why EX is 0 (null when EX is 1)
 * @param failure       the category of that error (null when EX is 1)
 * @param chosenIndex   which candidate vote@k chose (0 for a single prediction)
 * @param votes         how many candidates gave the chosen result (1 for a single prediction)
 * @param softF1        BIRD mini-dev's Soft-F1 of the chosen prediction ({@link BirdSoftF1}), or null when not
 *                      computed (not BIRD data)
 * @param rvesReward    BIRD mini-dev's R-VES reward of the chosen prediction ({@link BirdRves}), or null when not
 *                      measured
 */
public record PairResult(PredictionRecord record, boolean ex, boolean em, Hardness hardness, String error,
        FailureKind failure, int chosenIndex, int votes, Double softF1, Double rvesReward) {

    /** A result without BIRD's metrics. */
    public PairResult(PredictionRecord record, boolean ex, boolean em, Hardness hardness, String error,
                      FailureKind failure, int chosenIndex, int votes) {
        this(record, ex, em, hardness, error, failure, chosenIndex, votes, null, null);
    }

    /** This result with its R-VES reward. */
    public PairResult withRvesReward(double reward) {
        return new PairResult(record, ex, em, hardness, error, failure, chosenIndex, votes, softF1, reward);
    }

    public String chosenPrediction() {
        return record.predictions().get(chosenIndex);
    }
}
