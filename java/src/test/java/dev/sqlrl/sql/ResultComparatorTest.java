package dev.sqlrl.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResultComparatorTest {

    private static List<List<Object>> rows(Object[]... rows) {
        return Arrays.stream(rows).map(Arrays::asList).toList();
    }

    private static Object[] row(Object... values) {
        return values;
    }

    @Test
    void columnsMatchUpToPermutation() {
        var gold = rows(row(1L, "a"), row(2L, "b"));
        var predicted = rows(row("b", 2L), row("a", 1L));
        assertTrue(ResultComparator.spiderMatch(gold, predicted, false));
        assertFalse(ResultComparator.spiderMatch(gold, predicted, true), "order counts when gold has ORDER BY");
        assertTrue(ResultComparator.spiderMatch(gold, rows(row("a", 1L), row("b", 2L)), true));
    }

    @Test
    void rowsAreBagsNotSets() {
        var gold = rows(row(1L), row(1L), row(2L));
        assertFalse(ResultComparator.spiderMatch(gold, rows(row(1L), row(2L), row(2L)), false));
        assertTrue(ResultComparator.spiderMatch(gold, rows(row(2L), row(1L), row(1L)), false));
        assertEquals("row counts differ: gold 3, predicted 2",
                ResultComparator.spiderMismatch(gold, rows(row(1L), row(2L)), false).orElseThrow());
    }

    @Test
    void permutationMustBeOneForAllRows() {
        // Each row matches under some column swap, but no single swap fits both rows.
        var gold = rows(row(1L, 2L, 3L, 4L), row(5L, 6L, 7L, 8L));
        var predicted = rows(row(2L, 1L, 3L, 4L), row(5L, 6L, 8L, 7L));
        assertEquals("no permutation of the columns makes the bags of rows equal",
                ResultComparator.spiderMismatch(gold, predicted, false).orElseThrow());
        assertTrue(ResultComparator.spiderMatch(gold, rows(row(2L, 1L, 4L, 3L), row(6L, 5L, 8L, 7L)), false));
    }

    @Test
    void valuesCompareAsPythonDoes() {
        assertTrue(ResultComparator.spiderMatch(rows(row(1L)), rows(row(1.0)), false));
        assertFalse(ResultComparator.spiderMatch(rows(row(1L)), rows(row("1")), false));
        assertTrue(ResultComparator.spiderMatch(rows(row((Object) null)), rows(row((Object) null)), false));
        // The evaluator's quick rejection sorts each row by str(v) + str(type(v)): (1, 1.5) sorts as
        // (1.5, 1) but (1.0, 1.5) as (1.0, 1.5), so Python rejects a pair that is equal value by value.
        assertFalse(ResultComparator.spiderMatch(rows(row(1L, 1.5)), rows(row(1.0, 1.5)), false));
    }

    @Test
    void emptyResultsMatchWhateverTheirColumns() {
        assertTrue(ResultComparator.spiderMatch(List.of(), List.of(), true));
        assertFalse(ResultComparator.spiderMatch(List.of(), rows(row(1L)), false));
        assertEquals("column counts differ: gold 1, predicted 2",
                ResultComparator.spiderMismatch(rows(row(1L)), rows(row(1L, 2L)), false).orElseThrow());
    }

    @Test
    void birdComparesSetsOfRowsInColumnOrder() {
        var gold = rows(row(1L, "a"), row(1L, "a"), row(2L, "b"));
        assertTrue(ResultComparator.birdMatch(gold, rows(row(2L, "b"), row(1L, "a"))));
        assertFalse(ResultComparator.birdMatch(gold, rows(row("a", 1L), row("b", 2L))));
        assertTrue(ResultComparator.birdMatch(rows(row(3L)), rows(row(3.0))));
    }
}
