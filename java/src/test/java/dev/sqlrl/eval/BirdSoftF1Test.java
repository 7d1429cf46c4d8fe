package dev.sqlrl.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hand-computed cases of mini-dev's calculate_f1_score (evaluation/evaluation_f1.py). */
class BirdSoftF1Test {
    private static List<Object> row(Object... values) {
        return Arrays.asList(values);
    }

    private static double f1(List<List<Object>> predicted, List<List<Object>> gold) {
        return BirdSoftF1.score(predicted, gold);
    }

    @Test
    void bothEmptyIsOneAndAnEmptyPredictionZero() {
        assertEquals(1.0, f1(List.of(), List.of()));
        assertEquals(0.0, f1(List.of(), List.of(row(1L))));
        assertEquals(0.0, f1(List.of(row(1L)), List.of()));
    }

    @Test
    void cellsMatchInAnyColumnOrderAndIntEqualsFloat() {
        assertEquals(1.0, f1(List.of(row(1L, "a")), List.of(row("a", 1L))));
        assertEquals(1.0, f1(List.of(row(1.0)), List.of(row(1L))));
    }

    @Test
    void duplicateRowsAreDroppedFirstOccurrenceKept() {
        assertEquals(1.0, f1(List.of(row(1L), row(1L), row(2L)), List.of(row(1L), row(2L))));
        // gold duplicates too: [(1,),(2,)] vs [(1,),(2,)]
        assertEquals(1.0, f1(List.of(row(1L), row(2L)), List.of(row(1L), row(1L), row(2L), row(2L))));
    }

    @Test
    void nullEqualsNull() {
        // row: None matches, 'x' pred-only, 'y' truth-only; width 2 -> tp .5, fp .5, fn .5 -> P = R = .5
        assertEquals(0.5, f1(List.of(row(null, "x")), List.of(row(null, "y"))), 1e-12);
        assertEquals(1.0, f1(List.of(row((Object) null)), List.of(row((Object) null))));
    }

    @Test
    void rowsArePairedByPosition() {
        // the official code compares the i-th rows: the same set of rows in another order scores 0
        assertEquals(0.0, f1(List.of(row(2L), row(1L)), List.of(row(1L), row(2L))));
    }

    @Test
    void extraAndMissingRows() {
        // tp 1, two extra predicted rows fp 2: P = 1/3, R = 1 -> F1 = 0.5
        assertEquals(0.5, f1(List.of(row(1L), row(2L), row(3L)), List.of(row(1L))), 1e-12);
        // tp 1, a missing gold row fn 1: P = 1, R = 1/2 -> F1 = 2/3
        assertEquals(2.0 / 3, f1(List.of(row(1L)), List.of(row(1L), row(2L))), 1e-12);
    }

    @Test
    void rowWidthsAndRepeatedCells() {
        // pred (1, 'a', 'extra') vs gold (1, 'a'): tp 2/2, fp 1/2, fn 0 -> P = 2/3, R = 1 -> F1 = 0.8
        assertEquals(0.8, f1(List.of(row(1L, "a", "extra")), List.of(row(1L, "a"))), 1e-12);
        // pred (1, 1) vs gold (1, 2): both 1s match, tp 2/2; 2 is truth-only fn 1/2 -> P = 1, R = 2/3 -> F1 = 0.8
        assertEquals(0.8, f1(List.of(row(1L, 1L)), List.of(row(1L, 2L))), 1e-12);
    }
}
