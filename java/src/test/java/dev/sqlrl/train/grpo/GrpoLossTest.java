package dev.sqlrl.train.grpo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlrl.config.LossType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The loss, its gradient and metrics on tiny batches worked out by hand. */
class GrpoLossTest {

    private static final double EPS = 0.2;

    /*
     * Completion A (advantage +1), log-ratios logp - old = 0 and 0.5 (all values dyadic, exact in float):
     *   t0: ratio 1, inside the clip range: loss -1 * 1 = -1,                  dloss/dlogp = -A * ratio = -1
     *   t1: ratio e^0.5 = 1.6487 > 1.2 and A > 0: high-clipped: loss -1.2 * 1 = -1.2,   gradient 0
     * Completion B (advantage -2), log-ratios -0.375, 0.125, 0:
     *   t0: ratio e^-0.375 = 0.6873 < 0.8 and A < 0: low-clipped: loss -(0.8 * -2) = 1.6, gradient 0
     *   t1: ratio e^0.125 = 1.1331 inside: loss -(1.1331 * -2) = 2.2663,       gradient 2 * 1.1331 = 2.2663
     *   t2: ratio 1: loss 2,                                                    gradient 2
     */
    private static final CompletionLogProbs A = new CompletionLogProbs(
            new float[] {-1f, -2f}, new float[] {-1f, -2.5f}, null, 1.0, false);
    private static final CompletionLogProbs B = new CompletionLogProbs(
            new float[] {-0.5f, -1f, -0.25f}, new float[] {-0.125f, -1.125f, -0.25f}, null, -2.0, false);
    private static final double A_LOSS = -1 - 1.2;
    private static final double B_T1 = 2 * Math.exp(0.125);
    private static final double B_LOSS = 1.6 + B_T1 + 2;

    private static GrpoLossResult compute(LossType type, GrpoBatch batch) {
        return new GrpoLoss(new GrpoLossConfig(type, EPS, EPS, 0, 4, false)).compute(batch);
    }

    @Test
    void grpoAveragesEachCompletionThenTheCompletions() {
        GrpoLossResult result = compute(LossType.GRPO, GrpoBatch.single(List.of(A, B)));
        // (A_LOSS / 2 + B_LOSS / 3) / 2 = (-1.1 + 1.9554) / 2 = 0.4277
        assertEquals((A_LOSS / 2 + B_LOSS / 3) / 2, result.loss(), 1e-12);
        assertArrayEquals(new float[] {(float) (-1.0 / 4), 0f}, result.dLossDLogp()[0], 1e-7f);
        assertArrayEquals(new float[] {0f, (float) (B_T1 / 6), (float) (2.0 / 6)}, result.dLossDLogp()[1], 1e-7f);
    }

    @Test
    void bnpoDividesTheSumByTheBatchsActiveTokens() {
        GrpoLossResult result = compute(LossType.BNPO, GrpoBatch.single(List.of(A, B)));
        assertEquals((A_LOSS + B_LOSS) / 5, result.loss(), 1e-12); // 3.6663 / 5 = 0.7333
        assertArrayEquals(new float[] {(float) (-1.0 / 5), 0f}, result.dLossDLogp()[0], 1e-7f);
        assertArrayEquals(new float[] {0f, (float) (B_T1 / 5), (float) (2.0 / 5)}, result.dLossDLogp()[1], 1e-7f);
    }

    @Test
    void drGrpoDividesByCompletionsTimesMaxCompletionLength() {
        GrpoLossResult result = compute(LossType.DR_GRPO, GrpoBatch.single(List.of(A, B)));
        assertEquals((A_LOSS + B_LOSS) / (2 * 4), result.loss(), 1e-12);
        assertArrayEquals(new float[] {(float) (-1.0 / 8), 0f}, result.dLossDLogp()[0], 1e-7f);
        assertArrayEquals(new float[] {0f, (float) (B_T1 / 8), (float) (2.0 / 8)}, result.dLossDLogp()[1], 1e-7f);
    }

    @Test
    void dapoDividesByTheActiveTokensOfTheWholeAccumulatedBatch() {
        GrpoLossResult result = compute(LossType.DAPO, new GrpoBatch(List.of(A, B), new GradientAccumulation(3, 10)));
        assertEquals((A_LOSS + B_LOSS) / 10, result.loss(), 1e-12);
        assertArrayEquals(new float[] {(float) (-1.0 / 10), 0f}, result.dLossDLogp()[0], 1e-7f);
        assertArrayEquals(new float[] {0f, (float) (B_T1 / 10), (float) (2.0 / 10)}, result.dLossDLogp()[1], 1e-7f);
    }

    @Test
    void accumulationDividesTheOtherTypesByTheMicroBatchCount() {
        GrpoLossResult result = compute(LossType.BNPO, new GrpoBatch(List.of(A, B), new GradientAccumulation(3, 10)));
        assertEquals((A_LOSS + B_LOSS) / 5 / 3, result.loss(), 1e-12);
        assertEquals((float) (-1.0 / 15), result.dLossDLogp()[0][0], 1e-7f);
    }

    @Test
    void clipAndRatioMetricsCountActiveTokens() {
        GrpoLossMetrics metrics = compute(LossType.GRPO, GrpoBatch.single(List.of(A, B))).metrics();
        assertEquals(5, metrics.activeTokens());
        assertEquals(1.0 / 5, metrics.lowClipFraction(), 1e-12);  // B t0
        assertEquals(1.0 / 5, metrics.highClipFraction(), 1e-12); // A t1
        assertEquals(2.0 / 5, metrics.regionClipFraction(), 1e-12);
        double ratioSum = 1 + Math.exp(0.5) + Math.exp(-0.375) + Math.exp(0.125) + 1;
        assertEquals(ratioSum / 5, metrics.ratioMean(), 1e-12);
        assertEquals(Math.exp(-0.375), metrics.ratioMin(), 1e-12);
        assertEquals(Math.exp(0.5), metrics.ratioMax(), 1e-12);
        assertEquals(2.5, metrics.completionLengthMean());
        assertEquals(2, metrics.completionLengthMin());
        assertEquals(3, metrics.completionLengthMax());
        assertTrue(metrics.klMean().isEmpty(), "no reference log-probs, no KL");
    }

    @Test
    void klTermAddsBetaTimesK3AndItsGradient() {
        // logp -1, ref -1.5: ref - logp = -0.5; k3 = e^-0.5 + 0.5 - 1 = 0.10653; dk3/dlogp = 1 - e^-0.5 = 0.39347.
        // Advantage 0, so only the KL term is left; one token, so every normalization divides by 1 (max length 1).
        CompletionLogProbs completion = CompletionLogProbs.onPolicy(new float[] {-1f}, new float[] {-1.5f}, 0.0, false);
        double k3 = Math.exp(-0.5) + 0.5 - 1;
        for (LossType type : LossType.values()) {
            GrpoLossResult result = new GrpoLoss(new GrpoLossConfig(type, EPS, EPS, 0.1, 1, false))
                    .compute(GrpoBatch.single(List.of(completion)));
            assertEquals(0.1 * k3, result.loss(), 1e-12, type.name());
            assertEquals((float) (0.1 * (1 - Math.exp(-0.5))), result.dLossDLogp()[0][0], 1e-8f, type.name());
            assertEquals(k3, result.metrics().klMean().orElseThrow(), 1e-12, type.name());
        }
    }

    @Test
    void firstIterationHasRatioOneButAFullGradient() {
        // old = logp detached: ratio 1, loss -A per token, gradient -A * 1 per token (grpo: / 3 tokens).
        float[] logp = {-0.7f, -1.3f, -2.9f};
        GrpoLoss loss = new GrpoLoss(new GrpoLossConfig(LossType.GRPO, EPS, EPS, 0, 3, false));
        GrpoLossResult onPolicy = loss.compute(GrpoBatch.single(List.of(CompletionLogProbs.onPolicy(logp, null, 1.5, false))));
        assertEquals(-1.5, onPolicy.loss(), 1e-12);
        assertArrayEquals(new float[] {-0.5f, -0.5f, -0.5f}, onPolicy.dLossDLogp()[0], 1e-7f);
        GrpoLossResult explicitOld = loss.compute(GrpoBatch.single(
                List.of(new CompletionLogProbs(logp, logp.clone(), null, 1.5, false))));
        assertEquals(onPolicy.loss(), explicitOld.loss());
        assertArrayEquals(onPolicy.dLossDLogp()[0], explicitOld.dLossDLogp()[0]);
    }

    @Test
    void maskedTruncatedCompletionsGetNoLossNoGradientAndAreNotCounted() {
        CompletionLogProbs truncatedA = new CompletionLogProbs(A.policy(), A.old(), null, A.advantage(), true);
        GrpoLoss masking = new GrpoLoss(new GrpoLossConfig(LossType.GRPO, EPS, EPS, 0, 4, true));
        GrpoLossResult result = masking.compute(GrpoBatch.single(List.of(truncatedA, B)));
        // The masked completion still counts as a sequence in grpo's mean over sequences (as in TRL).
        assertEquals((0 + B_LOSS / 3) / 2, result.loss(), 1e-12);
        assertArrayEquals(new float[] {0f, 0f}, result.dLossDLogp()[0]);
        assertEquals(3, result.metrics().activeTokens());
        assertEquals(3, masking.activeTokenCount(List.of(truncatedA, B)));
        assertEquals(0.5, result.metrics().truncatedFraction());
        assertEquals(0.0, result.metrics().highClipFraction()); // A's clipped token is masked
        assertEquals(2.5, result.metrics().completionLengthMean()); // lengths count every completion

        GrpoLossResult unmasked = compute(LossType.GRPO, GrpoBatch.single(List.of(truncatedA, B)));
        assertEquals((A_LOSS / 2 + B_LOSS / 3) / 2, unmasked.loss(), 1e-12);
    }

    @Test
    void allMaskedGivesZeroLossAndNaNRatios() {
        GrpoLoss masking = new GrpoLoss(new GrpoLossConfig(LossType.BNPO, EPS, EPS, 0, 4, true));
        CompletionLogProbs truncated = new CompletionLogProbs(A.policy(), A.old(), null, 1.0, true);
        GrpoLossResult result = masking.compute(GrpoBatch.single(List.of(truncated)));
        assertEquals(0.0, result.loss());
        assertEquals(0, result.metrics().activeTokens());
        assertEquals(0.0, result.metrics().regionClipFraction());
        assertTrue(Double.isNaN(result.metrics().ratioMean()));
    }

    /*
     * TRL's definitions with asymmetric clipping (eps_low 0.2, eps_high 0.28: ratios clipped to [0.8, 1.28]) and
     * KL (beta 0.1, k3(d) = e^d - d - 1 with d = ref - logp, dk3/dlogp = 1 - e^d):
     * Completion P (advantage +1), log-ratios 0.234375 and 0.3125, d = -0.5 and 0.5:
     *   t0: ratio e^0.234375 = 1.2641, inside [0.8, 1.28] (it would be clipped at 1.2 with eps_high 0.2):
     *       loss -1.2641 + 0.1 k3(-0.5),  gradient -1.2641 + 0.1 (1 - e^-0.5)
     *   t1: ratio e^0.3125 = 1.3668 > 1.28 and A > 0, high-clipped: loss -1.28 + 0.1 k3(0.5), gradient 0.1 (1 - e^0.5)
     * Completion N (advantage -2), log-ratios -0.25, 0.5, 0.125, d = 0, 0, 0.25:
     *   t0: ratio e^-0.25 = 0.7788 < 0.8 and A < 0, low-clipped (inside with eps_low 0.28): loss -(0.8 * -2) = 1.6, gradient 0
     *   t1: ratio e^0.5 = 1.6487 > 1.28 but A < 0: the min keeps ratio * A: loss 2 e^0.5, gradient -A * ratio = 2 e^0.5
     *   t2: ratio e^0.125 inside: loss 2 e^0.125 + 0.1 k3(0.25), gradient 2 e^0.125 + 0.1 (1 - e^0.25)
     */
    private static final CompletionLogProbs P = new CompletionLogProbs(new float[] {-1f, -1.5f},
            new float[] {-1.234375f, -1.8125f}, new float[] {-1.5f, -1f}, 1.0, false);
    private static final CompletionLogProbs N = new CompletionLogProbs(new float[] {-0.5f, -2f, -1f},
            new float[] {-0.25f, -2.5f, -1.125f}, new float[] {-0.5f, -2f, -0.75f}, -2.0, false);

    private static double k3(double d) {
        return Math.exp(d) - d - 1;
    }

    @Test
    void asymmetricClippingWithKlMatchesTrlsDefinitionForEveryLossType() {
        double beta = 0.1;
        double r0 = Math.exp(0.234375);
        double lossP = -r0 + beta * k3(-0.5) - 1.28 + beta * k3(0.5);
        double lossN = 1.6 + 2 * Math.exp(0.5) + 2 * Math.exp(0.125) + beta * k3(0.25);
        double[] gradP = {-r0 + beta * (1 - Math.exp(-0.5)), beta * (1 - Math.exp(0.5))};
        double[] gradN = {0, 2 * Math.exp(0.5), 2 * Math.exp(0.125) + beta * (1 - Math.exp(0.25))};
        // the weight of one token of P and of N, and the loss, per type (maxCompletionLength 4; dapo: 12 tokens in all)
        record Expected(LossType type, GradientAccumulation accumulation, double weightP, double weightN, double loss) {}
        List<Expected> cases = List.of(
                new Expected(LossType.GRPO, null, 1.0 / 4, 1.0 / 6, (lossP / 2 + lossN / 3) / 2),
                new Expected(LossType.BNPO, null, 1.0 / 5, 1.0 / 5, (lossP + lossN) / 5),
                new Expected(LossType.DR_GRPO, null, 1.0 / 8, 1.0 / 8, (lossP + lossN) / 8),
                new Expected(LossType.DAPO, new GradientAccumulation(2, 12), 1.0 / 12, 1.0 / 12, (lossP + lossN) / 12),
                new Expected(LossType.GRPO, new GradientAccumulation(2, 12), 1.0 / 8, 1.0 / 12, (lossP / 2 + lossN / 3) / 4));
        for (Expected e : cases) {
            GrpoLossResult result = new GrpoLoss(new GrpoLossConfig(e.type(), 0.2, 0.28, beta, 4, false))
                    .compute(new GrpoBatch(List.of(P, N), e.accumulation()));
            String where = e.type() + " " + e.accumulation();
            assertEquals(e.loss(), result.loss(), 1e-12, where);
            for (int t = 0; t < gradP.length; t++) {
                assertEquals(gradP[t] * e.weightP(), result.dLossDLogp()[0][t], 1e-7, where + " P t" + t);
            }
            for (int t = 0; t < gradN.length; t++) {
                assertEquals(gradN[t] * e.weightN(), result.dLossDLogp()[1][t], 1e-7, where + " N t" + t);
            }
            assertEquals(1.0 / 5, result.metrics().lowClipFraction(), 1e-12, where);
            assertEquals(1.0 / 5, result.metrics().highClipFraction(), 1e-12, where);
            assertEquals((k3(-0.5) + k3(0.5) + k3(0.25)) / 5, result.metrics().klMean().orElseThrow(), 1e-12, where);
        }
    }

    @Test
    void microBatchLossesSumToTheWholeBatchLoss() {
        // What accumulation is for: native sums the micro-batch gradients; that sum must be the full batch's.
        CompletionLogProbs c = new CompletionLogProbs(new float[] {-0.5f, -3f, -1f}, new float[] {-0.75f, -3f, -1.5f}, null, 0.5, false);
        CompletionLogProbs d = new CompletionLogProbs(new float[] {-2f}, new float[] {-1.875f}, null, -0.25, false);
        for (LossType type : List.of(LossType.GRPO, LossType.DR_GRPO, LossType.DAPO)) {
            GrpoLoss loss = new GrpoLoss(new GrpoLossConfig(type, EPS, 0.28, 0, 4, false));
            double whole = loss.compute(GrpoBatch.single(List.of(A, B, c, d))).loss();
            long allTokens = loss.activeTokenCount(List.of(A, B, c, d));
            double first = loss.compute(new GrpoBatch(List.of(A, B), new GradientAccumulation(2, allTokens))).loss();
            double second = loss.compute(new GrpoBatch(List.of(c, d), new GradientAccumulation(2, allTokens))).loss();
            assertEquals(whole, first + second, 1e-12, type.name());
        }
    }

    @Test
    void mismatchedLengthsAreRejectedNamingTheCompletion() {
        GrpoLoss loss = new GrpoLoss(new GrpoLossConfig(LossType.GRPO, EPS, EPS, 0.04, 4, false));
        CompletionLogProbs shortOld = new CompletionLogProbs(new float[] {-1f, -2f}, new float[] {-1f}, new float[] {-1f, -2f}, 1, false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> loss.compute(GrpoBatch.single(List.of(withReference(A, new float[] {-1f, -2f}), shortOld))));
        assertEquals("completion 1: old log-probs have 1 tokens but policy log-probs have 2", e.getMessage());

        CompletionLogProbs longRef = new CompletionLogProbs(new float[] {-1f}, null, new float[] {-1f, -2f}, 1, false);
        e = assertThrows(IllegalArgumentException.class, () -> loss.compute(GrpoBatch.single(List.of(longRef))));
        assertEquals("completion 0: reference log-probs have 2 tokens but policy log-probs have 1", e.getMessage());
    }

    private static CompletionLogProbs withReference(CompletionLogProbs completion, float[] reference) {
        return new CompletionLogProbs(completion.policy(), completion.old(), reference, completion.advantage(), completion.truncated());
    }

    @Test
    void betaWithoutReferenceIsRejected() {
        GrpoLoss loss = new GrpoLoss(new GrpoLossConfig(LossType.DAPO, EPS, EPS, 0.04, 4, false));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> loss.compute(GrpoBatch.single(List.of(A))));
        assertTrue(e.getMessage().startsWith("completion 0: beta = 0.04 needs reference log-probs"), e.getMessage());
    }

    @Test
    void badValuesAndBatchesAreRejected() {
        GrpoLoss loss = new GrpoLoss(new GrpoLossConfig(LossType.DAPO, EPS, EPS, 0, 2, false));
        CompletionLogProbs nan = CompletionLogProbs.onPolicy(new float[] {-1f, Float.NaN}, null, 1, false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> loss.compute(GrpoBatch.single(List.of(nan))));
        assertEquals("completion 0, token 1: policy log-prob is not finite: NaN", e.getMessage());

        e = assertThrows(IllegalArgumentException.class, () -> loss.compute(GrpoBatch.single(List.of(A, B))));
        assertEquals("completion 1 has 3 tokens, more than maxCompletionLength 2", e.getMessage());

        e = assertThrows(IllegalArgumentException.class, () -> loss.compute(GrpoBatch.single(List.of())));
        assertEquals("the batch holds no completions", e.getMessage());

        e = assertThrows(IllegalArgumentException.class,
                () -> loss.compute(new GrpoBatch(List.of(A), new GradientAccumulation(2, 1))));
        assertTrue(e.getMessage().contains("less than the 2 active tokens of this micro-batch"), e.getMessage());
    }

    @Test
    void badConfigIsRejectedNamingTheSetting() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new GrpoLossConfig(LossType.GRPO, 1.0, 0.2, 0, 4, false));
        assertTrue(e.getMessage().startsWith("epsLow"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new GrpoLossConfig(LossType.GRPO, 0.2, 0.2, -1, 4, false));
        assertTrue(e.getMessage().startsWith("beta"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new GrpoLossConfig(LossType.GRPO, 0.2, 0.2, 0, 0, false));
        assertTrue(e.getMessage().startsWith("maxCompletionLength"), e.getMessage());
    }
}
