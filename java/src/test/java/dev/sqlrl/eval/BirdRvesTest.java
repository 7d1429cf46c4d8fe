package dev.sqlrl.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlrl.data.TestDatabases;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** mini-dev's R-VES (evaluation/evaluation_ves.py) with injected timers, so nothing depends on real timing. */
class BirdRvesTest {
    private static final Path DB = Path.of("unused.sqlite");

    @TempDir
    Path temp;

    @Test
    void rewardBucketsAreTheScripts() {
        assertEquals(0, BirdRves.reward(0));
        assertEquals(1.25, BirdRves.reward(2));
        assertEquals(1.25, BirdRves.reward(7.5));
        assertEquals(1, BirdRves.reward(1));
        assertEquals(1, BirdRves.reward(1.99));
        assertEquals(0.75, BirdRves.reward(0.5));
        assertEquals(0.75, BirdRves.reward(0.99));
        assertEquals(0.5, BirdRves.reward(0.25));
        assertEquals(0.5, BirdRves.reward(0.49));
        assertEquals(0.25, BirdRves.reward(0.24));
        assertEquals(0.25, BirdRves.reward(0.001));
    }

    @Test
    void ratiosBeyondThreeStandardDeviationsAreDropped() {
        List<Double> ratios = new ArrayList<>(Collections.nCopies(99, 1.0));
        ratios.add(1000.0); // mean 10.99, population std 99.4: 1000 > mean + 3 std
        assertEquals(1.0, BirdRves.meanRatio(ratios), 1e-12);
        // equal ratios (std 0) are kept, where the script would divide by zero
        assertEquals(0.5, BirdRves.meanRatio(Collections.nCopies(100, 0.5)), 1e-12);
    }

    @Test
    void eachQueryRunsTheScriptsNumberOfTimes() {
        AtomicInteger gold = new AtomicInteger();
        AtomicInteger predicted = new AtomicInteger();
        // the gold takes 0.3 s, the prediction 0.1 s: ratio 3 -> 1.25
        double reward = BirdRves.reward((db, sql) -> {
            if (sql.equals("GOLD")) {
                gold.incrementAndGet();
                return 0.3;
            }
            predicted.incrementAndGet();
            return 0.1;
        }, DB, "GOLD", "PRED");
        assertEquals(1.25, reward);
        assertEquals(100, BirdRves.ITERATIONS);
        assertEquals(BirdRves.ITERATIONS, gold.get());
        assertEquals(BirdRves.ITERATIONS, predicted.get());
        // four times slower than the gold: ratio 0.25 -> 0.5
        assertEquals(0.5, BirdRves.reward((db, sql) -> sql.equals("GOLD") ? 0.1 : 0.4, DB, "GOLD", "PRED"));
    }

    @Test
    void aFailingRunScoresZero() {
        assertEquals(0, BirdRves.reward((db, sql) -> {
            throw new java.sql.SQLException("timeout");
        }, DB, "GOLD", "PRED"));
    }

    @Test
    void scoreIsMeanSquareRootTimesHundred() {
        assertEquals((Math.sqrt(1.25) * 100 + 100 + 0) / 3, BirdRves.score(List.of(1.25, 1.0, 0.0)), 1e-9);
        assertEquals(0, BirdRves.score(List.of()));
    }

    @Test
    void sqliteTimerRunsTheQueryAndFailsOnBadSql() throws Exception {
        Path db = TestDatabases.birdMini(temp).resolve("dev_databases/shop/shop.sqlite");
        assertTrue(BirdRves.sqliteSeconds(db, "SELECT * FROM orders") > 0);
        assertThrows(java.sql.SQLException.class, () -> BirdRves.sqliteSeconds(db, "SELECT nope FROM orders"));
    }
}
