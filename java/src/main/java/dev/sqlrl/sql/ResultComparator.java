package dev.sqlrl.sql;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Whether two query results denote the same answer.
 *
 * <p>{@link #spiderMismatch} reproduces {@code result_eq} of the official Spider test-suite
 * evaluator (taoyds/test-suite-sql-eval, exec_eval.py) on the values Python would see: bags of
 * rows, equal up to a permutation of the columns, in the same order only when the gold query has
 * ORDER BY. Its quick rejection, which sorts each row's values by {@code str(v) + str(type(v))},
 * is kept as it is, because it decides some int-versus-float cases. {@link #birdMatch} is BIRD's
 * set equality of rows.
 */
public final class ResultComparator {

    private ResultComparator() {}

    public static boolean spiderMatch(List<List<Object>> gold, List<List<Object>> predicted, boolean goldOrdered) {
        return spiderMismatch(gold, predicted, goldOrdered).isEmpty();
    }

    /** Why the results differ under Spider's semantics, or empty when they match. */
    public static Optional<String> spiderMismatch(List<List<Object>> gold, List<List<Object>> predicted, boolean goldOrdered) {
        if (gold.isEmpty() && predicted.isEmpty()) return Optional.empty();
        if (gold.size() != predicted.size()) {
            return Optional.of("row counts differ: gold " + gold.size() + ", predicted " + predicted.size());
        }
        int columns = gold.get(0).size();
        if (predicted.get(0).size() != columns) {
            return Optional.of("column counts differ: gold " + columns + ", predicted " + predicted.get(0).size());
        }
        if (!sameUnorderedRows(gold, predicted, goldOrdered)) {
            return Optional.of(goldOrdered
                    ? "the rows differ, in order, even with each row's values taken in any order"
                    : "the sets of rows differ, even with each row's values taken in any order");
        }
        if (new PermutationSearch(gold, predicted, goldOrdered).find()) return Optional.empty();
        return Optional.of("no permutation of the columns makes the " + (goldOrdered ? "ordered rows" : "bags of rows") + " equal");
    }

    /** BIRD: {@code set(predicted) == set(gold)}, columns in their own order. */
    public static boolean birdMatch(List<List<Object>> gold, List<List<Object>> predicted) {
        return tuples(gold).equals(tuples(predicted));
    }

    /** The evaluator's quick_rej: rows with their values sorted, compared as lists (ordered) or sets. */
    private static boolean sameUnorderedRows(List<List<Object>> gold, List<List<Object>> predicted, boolean ordered) {
        List<PythonValues.Tuple> goldRows = gold.stream().map(ResultComparator::unorderRow).toList();
        List<PythonValues.Tuple> predictedRows = predicted.stream().map(ResultComparator::unorderRow).toList();
        return ordered ? goldRows.equals(predictedRows) : new HashSet<>(goldRows).equals(new HashSet<>(predictedRows));
    }

    private static PythonValues.Tuple unorderRow(List<Object> row) {
        String[] keys = new String[row.size()];
        Integer[] order = new Integer[row.size()];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = PythonValues.sortKey(row.get(i));
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> PythonValues.compareCodePoints(keys[a], keys[b])); // stable, like sorted()
        List<Object> sorted = new ArrayList<>(keys.length);
        for (Integer index : order) sorted.add(row.get(index));
        return new PythonValues.Tuple(sorted);
    }

    private static Set<PythonValues.Tuple> tuples(List<List<Object>> rows) {
        Set<PythonValues.Tuple> set = new HashSet<>();
        for (List<Object> row : rows) set.add(new PythonValues.Tuple(row));
        return set;
    }

    private static Map<PythonValues.Tuple, Integer> bag(List<List<Object>> rows) {
        Map<PythonValues.Tuple, Integer> counts = new HashMap<>();
        for (List<Object> row : rows) counts.merge(new PythonValues.Tuple(row), 1, Integer::sum);
        return counts;
    }

    /**
     * Looks for a column permutation p with gold[r][i] == predicted[r][p[i]] for all rows (ordered) or
     * equal bags of rows. Only columns with equal multisets of values can correspond, which prunes
     * the search the way the evaluator's sampled constraints do, without its randomness.
     */
    private static final class PermutationSearch {
        private final List<List<Object>> gold;
        private final List<List<Object>> predicted;
        private final boolean ordered;
        private final int columns;
        private final boolean[][] compatible;
        private final int[] permutation;
        private final boolean[] used;
        private Map<PythonValues.Tuple, Integer> goldBag;

        PermutationSearch(List<List<Object>> gold, List<List<Object>> predicted, boolean ordered) {
            this.gold = gold;
            this.predicted = predicted;
            this.ordered = ordered;
            this.columns = gold.get(0).size();
            this.permutation = new int[columns];
            this.used = new boolean[columns];
            this.compatible = new boolean[columns][columns];
            List<Map<PythonValues.Tuple, Integer>> goldColumns = columnBags(gold);
            List<Map<PythonValues.Tuple, Integer>> predictedColumns = columnBags(predicted);
            for (int i = 0; i < columns; i++) {
                for (int j = 0; j < columns; j++) compatible[i][j] = goldColumns.get(i).equals(predictedColumns.get(j));
            }
        }

        boolean find() {
            return assign(0);
        }

        private boolean assign(int goldColumn) {
            if (goldColumn == columns) return rowsMatch();
            for (int j = 0; j < columns; j++) {
                if (used[j] || !compatible[goldColumn][j]) continue;
                used[j] = true;
                permutation[goldColumn] = j;
                boolean found = assign(goldColumn + 1);
                used[j] = false;
                if (found) return true;
            }
            return false;
        }

        private boolean rowsMatch() {
            List<List<Object>> permuted = new ArrayList<>(predicted.size());
            for (List<Object> row : predicted) {
                Object[] values = new Object[columns];
                for (int i = 0; i < columns; i++) values[i] = row.get(permutation[i]);
                permuted.add(Arrays.asList(values));
            }
            if (ordered) {
                for (int r = 0; r < gold.size(); r++) {
                    if (!new PythonValues.Tuple(gold.get(r)).equals(new PythonValues.Tuple(permuted.get(r)))) return false;
                }
                return true;
            }
            if (goldBag == null) goldBag = bag(gold);
            return goldBag.equals(bag(permuted));
        }

        private List<Map<PythonValues.Tuple, Integer>> columnBags(List<List<Object>> rows) {
            List<Map<PythonValues.Tuple, Integer>> bags = new ArrayList<>(columns);
            for (int i = 0; i < columns; i++) {
                Map<PythonValues.Tuple, Integer> counts = new HashMap<>();
                for (List<Object> row : rows) counts.merge(new PythonValues.Tuple(Collections.singletonList(row.get(i))), 1, Integer::sum);
                bags.add(counts);
            }
            return bags;
        }
    }
}
