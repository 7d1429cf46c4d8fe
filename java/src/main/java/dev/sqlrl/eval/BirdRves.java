package dev.sqlrl.eval;

import dev.sqlrl.data.ReadOnlySqlite;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * BIRD mini-dev's R-VES (reward-based valid efficiency score), as bird-bench/mini_dev's evaluation/evaluation_ves.py
 * (commit 4d970a9) computes it: for a prediction whose result set equals the gold's, both queries run
 * {@link #ITERATIONS} times, alternately; each round's gold time / predicted time is a ratio; ratios outside mean ± 3
 * standard deviations are dropped and the rest averaged; the average falls into a reward bucket ({@link #reward}).
 * A wrong or failing prediction's reward is 0. R-VES = mean over the lines of sqrt(reward) × 100 (at most 111.8).
 *
 * <p>One difference: when every ratio is equal (a standard deviation of 0) the script's strict inequalities drop them
 * all and its division by zero scores the line 0; here they are all kept. Measured times cannot be all equal, an
 * injected timer's can.
 */
public final class BirdRves {
    /** evaluation_ves.py's iterate_num: run_sqls_parallel's default, which its main does not change. */
    public static final int ITERATIONS = 100;
    /** evaluation_ves.py's meta_time_out (seconds) per query run. */
    static final int QUERY_TIMEOUT_SECONDS = 30;

    /** Times one run of a query: its execution and the fetch of every row, as the script's execute_sql does. */
    @FunctionalInterface
    public interface QueryTimer {
        /** Seconds one run took; throws when the query fails. */
        double seconds(Path database, String sql) throws Exception;
    }

    private BirdRves() {}

    /** The script's reward buckets of the mean time ratio (gold time / predicted time). */
    public static double reward(double timeRatio) {
        if (timeRatio == 0) return 0;
        if (timeRatio >= 2) return 1.25;
        if (timeRatio >= 1) return 1;
        if (timeRatio >= 0.5) return 0.75;
        if (timeRatio >= 0.25) return 0.5;
        return 0.25;
    }

    /** clean_abnormal then the mean: ratios within (mean - 3 std, mean + 3 std), population std; see the class note. */
    static double meanRatio(List<Double> ratios) {
        double mean = ratios.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        double variance = ratios.stream().mapToDouble(r -> (r - mean) * (r - mean)).average().orElse(0);
        double std = Math.sqrt(variance);
        List<Double> kept = new ArrayList<>();
        for (double ratio : ratios) {
            if (ratio < mean + 3 * std && ratio > mean - 3 * std) kept.add(ratio);
        }
        if (kept.isEmpty()) return mean; // all equal (std 0)
        return kept.stream().mapToDouble(Double::doubleValue).average().orElse(0);
    }

    /**
     * The reward of a prediction whose result equals the gold's (the caller checks that, as EX): {@link #ITERATIONS}
     * timed runs of each; 0 when a run fails.
     */
    public static double reward(QueryTimer timer, Path database, String gold, String predicted) {
        List<Double> ratios = new ArrayList<>(ITERATIONS);
        try {
            for (int i = 0; i < ITERATIONS; i++) {
                double predictedSeconds = timer.seconds(database, predicted);
                double goldSeconds = timer.seconds(database, gold);
                ratios.add(goldSeconds / predictedSeconds);
            }
        } catch (Exception e) {
            return 0; // the script's exception branch
        }
        return reward(meanRatio(ratios));
    }

    /**
     * The results with their R-VES rewards: timed for the correct ones, 0 for the others. One query at a time, on the
     * caller's thread, so that the timed runs do not compete for the CPU.
     */
    public static List<PairResult> withRewards(List<PairResult> results, Function<String, Path> databaseOf,
                                               QueryTimer timer) {
        List<PairResult> out = new ArrayList<>(results.size());
        for (PairResult result : results) {
            out.add(result.withRvesReward(result.ex() ? reward(timer, databaseOf.apply(result.record().dbId()),
                    result.record().gold(), result.chosenPrediction()) : 0));
        }
        return out;
    }

    /** R-VES of the lines' rewards: mean of sqrt(reward) × 100, as compute_ves. */
    public static double score(List<Double> rewards) {
        return rewards.isEmpty() ? 0 : rewards.stream().mapToDouble(r -> Math.sqrt(r) * 100).average().orElse(0);
    }

    /**
     * Times a query on a read-only connection: the clock starts after the connection opens and stops after every row
     * is fetched and the connection closed, as the script's execute_sql. The prediction ran in the sandbox before
     * (EX), so it is a single read-only SELECT that finishes.
     */
    public static double sqliteSeconds(Path database, String sql) throws SQLException {
        Connection connection = ReadOnlySqlite.open(database);
        long start = System.nanoTime();
        try (connection; Statement statement = connection.createStatement()) {
            statement.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
            try (ResultSet rows = statement.executeQuery(sql)) {
                int columns = rows.getMetaData().getColumnCount();
                while (rows.next()) {
                    for (int c = 1; c <= columns; c++) rows.getObject(c);
                }
            }
        }
        return (System.nanoTime() - start) / 1e9;
    }
}
