package dev.sqlrl.sql;

/** Which benchmark's notion of "same result" execution match uses. */
public enum MatchSemantics {
    /** Spider's official evaluator: bags of rows, columns up to permutation, ordered iff gold has ORDER BY. */
    SPIDER,
    /** BIRD's evaluator: set(predicted rows) == set(gold rows). */
    BIRD
}
