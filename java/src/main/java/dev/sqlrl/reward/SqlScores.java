package dev.sqlrl.reward;

/**
 * The reward components that depend only on (database, SQL, gold), so they can be cached across the
 * many samples that write the same query.
 */
record SqlScores(ExecutionOutcome outcome, String detail, double syntax, double schemaGrounding, double clauseF1,
                 boolean cacheable) {}
