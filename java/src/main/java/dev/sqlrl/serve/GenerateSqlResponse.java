package dev.sqlrl.serve;

import java.util.List;

/**
 * The answer of /v1/generate_sql.
 *
 * @param sql            the SQL found in the model's answer ("" when it wrote none)
 * @param answer         the model's whole answer text
 * @param valid          whether the SQL passed the validation layer
 * @param problems       what the validation layer (or the execution) found wrong
 * @param confidence     greedy: the mean probability of the answer's tokens; sampled: the vote share of the winner
 * @param columns        result columns when executed, else null
 * @param rows           result rows when executed, else null
 * @param timingMs       queue (wait for a generate call), generate, execute
 */
public record GenerateSqlResponse(String sql, String answer, boolean valid, List<String> problems, double confidence,
                                  List<String> columns, List<List<Object>> rows, Timing timingMs) {
    public record Timing(double queue, double generate, double execute) {}
}
