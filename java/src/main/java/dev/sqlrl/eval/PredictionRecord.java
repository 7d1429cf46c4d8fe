package dev.sqlrl.eval;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * One line of a predictions file: a database, its gold SQL and one prediction, or k predictions for
 * vote@k.
 *
 * @param line        1-based line in the predictions file
 * @param dbId        the database
 * @param gold        the gold SQL
 * @param predictions the prediction, or the k candidates in order
 * @param voting      whether the line gave "preds" (vote@k) rather than "pred"
 * @param source      the line as read, echoed into the results
 */
public record PredictionRecord(int line, String dbId, String gold, List<String> predictions, boolean voting,
        ObjectNode source) {
    public PredictionRecord {
        predictions = List.copyOf(predictions);
    }
}
