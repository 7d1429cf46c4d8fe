package dev.sqlrl.eval;

import dev.sqlrl.sql.PythonValues;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * BIRD mini-dev's Soft-F1 of one prediction, as {@code calculate_f1_score} in bird-bench/mini_dev's
 * evaluation/evaluation_f1.py (commit 4d970a9) computes it: duplicate rows are dropped (first occurrence kept, order
 * kept); the i-th predicted row is compared with the i-th gold row, cell by cell as sets of values (a cell matches when
 * the other row holds an equal value anywhere, so column order does not matter; NULL equals NULL; 1 equals 1.0), each
 * row's counts divided by the gold row's width; unpaired rows count fully against precision or recall. Both results
 * empty score 1. A prediction that fails to run scores 0 (the script's exception branch).
 */
public final class BirdSoftF1 {
    private BirdSoftF1() {}

    /** Soft-F1 in [0, 1] of the predicted rows against the gold rows. */
    public static double score(List<List<Object>> predicted, List<List<Object>> gold) {
        if (predicted.isEmpty() && gold.isEmpty()) {
            return 1.0;
        }
        List<PythonValues.Tuple> pred = distinct(predicted);
        List<PythonValues.Tuple> truth = distinct(gold);
        double tp = 0, fp = 0, fn = 0;
        for (int i = 0; i < truth.size(); i++) {
            if (i >= pred.size()) {
                fn += 1; // a gold row with no predicted row at its position
                continue;
            }
            List<Object> predRow = pred.get(i).values();
            List<Object> truthRow = truth.get(i).values();
            double width = truthRow.size();
            int matches = 0, predOnly = 0, truthOnly = 0;
            for (Object value : predRow) {
                if (contains(truthRow, value)) matches++;
                else predOnly++;
            }
            for (Object value : truthRow) {
                if (!contains(predRow, value)) truthOnly++;
            }
            tp += matches / width;
            fp += predOnly / width;
            fn += truthOnly / width;
        }
        fp += Math.max(0, pred.size() - truth.size()); // predicted rows beyond the gold's
        double precision = tp + fp > 0 ? tp / (tp + fp) : 0;
        double recall = tp + fn > 0 ? tp / (tp + fn) : 0;
        return precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0;
    }

    /** Python's {@code list(dict.fromkeys(rows))}. */
    private static List<PythonValues.Tuple> distinct(List<List<Object>> rows) {
        LinkedHashSet<PythonValues.Tuple> seen = new LinkedHashSet<>();
        for (List<Object> row : rows) {
            seen.add(new PythonValues.Tuple(row));
        }
        return new ArrayList<>(seen);
    }

    /** Python's {@code value in row}. */
    private static boolean contains(List<Object> row, Object value) {
        for (Object cell : row) {
            if (PythonValues.equal(cell, value)) return true;
        }
        return false;
    }
}
