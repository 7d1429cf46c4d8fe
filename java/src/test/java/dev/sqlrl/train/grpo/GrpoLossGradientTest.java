package dev.sqlrl.train.grpo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlrl.config.LossType;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * dLoss/dlogp against central finite differences of the scalar loss, for every loss type, with and
 * without the KL term, on the first iteration (old = logp detached) and a later one (old != logp,
 * tokens inside and outside the clip range), with and without masking of truncated completions.
 * The loss is piecewise smooth: log-ratios are drawn at least {@link #EDGE_MARGIN} away from the
 * clip edges, far more than the step, so no difference straddles a kink.
 */
class GrpoLossGradientTest {

    private static final double EPS_LOW = 0.2;
    private static final double EPS_HIGH = 0.28;
    private static final int MAX_LENGTH = 9;
    private static final double STEP = 1e-3;
    private static final double EDGE_MARGIN = 0.05;

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (LossType type : LossType.values()) {
            for (double beta : new double[] {0, 0.04}) {
                for (int iteration : new int[] {1, 2}) {
                    for (boolean mask : new boolean[] {false, true}) {
                        cases.add(Arguments.of(type, beta, iteration, mask));
                    }
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} beta={1} iteration={2} maskTruncated={3}")
    @MethodSource("cases")
    void gradientMatchesFiniteDifferences(LossType type, double beta, int iteration, boolean mask) {
        Random random = new Random(31L * type.ordinal() + 7L * iteration + (beta > 0 ? 3 : 0) + (mask ? 1 : 0));
        GrpoLoss loss = new GrpoLoss(new GrpoLossConfig(type, EPS_LOW, EPS_HIGH, beta, MAX_LENGTH, mask));
        List<CompletionLogProbs> completions = randomCompletions(random, beta > 0, iteration > 1);
        long allMicroBatchTokens = loss.activeTokenCount(completions) + 23; // as if other micro-batches followed
        GradientAccumulation accumulation = new GradientAccumulation(2, allMicroBatchTokens);

        GrpoLossResult result = loss.compute(new GrpoBatch(completions, accumulation));

        // On the first iteration old is logp *detached*: it stays at the unperturbed values while logp moves.
        List<float[]> fixedOld = completions.stream().map(c -> c.old() != null ? c.old() : c.policy().clone()).toList();
        int checkedNonZero = 0;
        for (int i = 0; i < completions.size(); i++) {
            for (int t = 0; t < completions.get(i).length(); t++) {
                float at = completions.get(i).policy()[t];
                float up = (float) (at + STEP);
                float down = (float) (at - STEP);
                double lossUp = loss.compute(new GrpoBatch(perturbed(completions, fixedOld, i, t, up), accumulation)).loss();
                double lossDown = loss.compute(new GrpoBatch(perturbed(completions, fixedOld, i, t, down), accumulation)).loss();
                double finiteDifference = (lossUp - lossDown) / ((double) up - down); // the float step actually taken
                float analytic = result.dLossDLogp()[i][t];
                assertEquals(finiteDifference, analytic, 1e-8 + 1e-5 * Math.abs(finiteDifference),
                        "completion " + i + " token " + t);
                checkedNonZero += analytic != 0 ? 1 : 0;
            }
        }
        assertTrue(checkedNonZero > 20, "the case must exercise real gradients, got " + checkedNonZero + " non-zero");
    }

    private static List<CompletionLogProbs> perturbed(
            List<CompletionLogProbs> completions, List<float[]> fixedOld, int row, int token, float value) {
        List<CompletionLogProbs> copy = new ArrayList<>(completions.size());
        for (int i = 0; i < completions.size(); i++) {
            CompletionLogProbs c = completions.get(i);
            float[] policy = c.policy();
            if (i == row) {
                policy = policy.clone();
                policy[token] = value;
            }
            copy.add(new CompletionLogProbs(policy, fixedOld.get(i), c.reference(), c.advantage(), c.truncated()));
        }
        return copy;
    }

    /** Sixteen completions of 0..MAX_LENGTH tokens with mixed-sign advantages (one exactly 0), about a quarter truncated. */
    private static List<CompletionLogProbs> randomCompletions(Random random, boolean withReference, boolean withOld) {
        List<CompletionLogProbs> completions = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            int length = i == 0 ? 0 : 1 + random.nextInt(MAX_LENGTH);
            float[] policy = new float[length];
            float[] old = withOld ? new float[length] : null;
            float[] reference = withReference ? new float[length] : null;
            for (int t = 0; t < length; t++) {
                policy[t] = (float) (-0.05 - 3 * random.nextDouble());
                if (withOld) {
                    old[t] = (float) (policy[t] - logRatioAwayFromClipEdges(random));
                }
                if (withReference) {
                    reference[t] = (float) (policy[t] + 0.5 * random.nextGaussian());
                }
            }
            double advantage = i == 1 ? 0 : (i % 2 == 0 ? 1 : -1) * (0.1 + 1.5 * random.nextDouble());
            completions.add(new CompletionLogProbs(policy, old, reference, advantage, random.nextInt(4) == 0));
        }
        return completions;
    }

    /** A log importance ratio inside the clip range, below it, or above it, never near an edge. */
    private static double logRatioAwayFromClipEdges(Random random) {
        double lowEdge = Math.log(1 - EPS_LOW);
        double highEdge = Math.log(1 + EPS_HIGH);
        return switch (random.nextInt(3)) {
            case 0 -> uniform(random, lowEdge + EDGE_MARGIN, highEdge - EDGE_MARGIN);
            case 1 -> uniform(random, lowEdge - 0.6, lowEdge - EDGE_MARGIN);
            default -> uniform(random, highEdge + EDGE_MARGIN, highEdge + 0.6);
        };
    }

    private static double uniform(Random random, double from, double to) {
        return from + (to - from) * random.nextDouble();
    }
}
