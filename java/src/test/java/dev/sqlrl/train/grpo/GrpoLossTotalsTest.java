package dev.sqlrl.train.grpo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalDouble;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class GrpoLossTotalsTest {
    /** A micro-batch with {@code active} active tokens, completions of lengths 2 and 5 (one truncated). */
    private static GrpoLossMetrics microBatch(long active, OptionalDouble kl, double clipLow, double ratioMean,
                                             double ratioMin, double ratioMax) {
        return new GrpoLossMetrics(active, kl, clipLow, 0.0, clipLow, ratioMean, ratioMin, ratioMax, 2, 7, 2, 5, 1);
    }

    @Test
    void tokenAveragesAreWeightedByEachMicroBatchsActiveTokens() {
        GrpoLossTotals totals = new GrpoLossTotals();
        totals.add(microBatch(3, OptionalDouble.of(0.1), 1.0 / 3, 1.2, 0.9, 1.5));
        totals.add(microBatch(1, OptionalDouble.of(0.5), 0.0, 0.8, 0.8, 0.8));
        assertEquals(4, totals.activeTokens());
        assertEquals((0.1 * 3 + 0.5) / 4, totals.kl().orElseThrow(), 1e-12);
        assertEquals(1.0 / 4, totals.lowClipFraction(), 1e-12);
        assertEquals(0.0, totals.highClipFraction());
        assertEquals((1.2 * 3 + 0.8) / 4, totals.ratioMean(), 1e-12);
        assertEquals(0.8, totals.ratioMin());
        assertEquals(1.5, totals.ratioMax());
    }

    @Test
    void aMicroBatchWithoutActiveTokensAddsNoRatiosAndNoKlWithoutAReference() {
        GrpoLossTotals totals = new GrpoLossTotals();
        totals.add(microBatch(0, OptionalDouble.empty(), 0.0, Double.NaN, Double.NaN, Double.NaN));
        assertTrue(Double.isNaN(totals.ratioMean()));
        assertTrue(Double.isNaN(totals.ratioMin()));
        assertTrue(totals.kl().isEmpty());
        assertEquals(0.0, totals.regionClipFraction(), "with nothing active every fraction is 0");
        totals.add(microBatch(2, OptionalDouble.empty(), 0.0, 1.1, 1.0, 1.2));
        assertEquals(1.1, totals.ratioMean(), 1e-12);
        assertEquals(1.0, totals.ratioMin());
    }

    @Test
    void lengthsAreOverEveryCompletionAndEqualOneIterationsWhenEachIsSeenTwice() {
        GrpoLossTotals once = new GrpoLossTotals();
        GrpoLossTotals twice = new GrpoLossTotals();
        GrpoLossMetrics a = new GrpoLossMetrics(7, OptionalDouble.empty(), 0, 0, 0, 1, 1, 1, 3, 7, 1, 4, 0);
        GrpoLossMetrics b = new GrpoLossMetrics(9, OptionalDouble.empty(), 0, 0, 0, 1, 1, 1, 4, 9, 2, 3, 3);
        once.add(a);
        once.add(b);
        for (int iteration = 0; iteration < 2; iteration++) {
            twice.add(a);
            twice.add(b);
        }
        GrpoStepMetrics.Lengths lengths = once.lengths();
        assertEquals(16.0 / 7, lengths.mean());
        assertEquals(OptionalInt.of(1), lengths.min());
        assertEquals(OptionalInt.of(4), lengths.max());
        assertEquals(3.0 / 7, lengths.truncatedFraction());
        assertEquals(lengths, twice.lengths());
    }

    @Test
    void aStepWhoseLossSawNothingHasNoLengths() {
        GrpoStepMetrics.Lengths lengths = new GrpoLossTotals().lengths();
        assertTrue(Double.isNaN(lengths.mean()));
        assertTrue(lengths.min().isEmpty() && lengths.max().isEmpty());
    }
}
