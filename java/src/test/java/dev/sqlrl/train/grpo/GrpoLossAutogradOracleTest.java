package dev.sqlrl.train.grpo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.sqlrl.config.LossType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link GrpoLoss}'s hand-derived loss and dLoss/dlogp against an independent oracle: TRL's
 * {@code _compute_loss} written in torch ops and differentiated by libtorch's autograd
 * (native/tests/oracle/grpo_loss_oracle.cpp, built beside libsqlrl). Unlike finite differences of
 * {@code GrpoLoss.compute} itself, the oracle shares no code with it, so a negated objective, swapped
 * clip bounds, a KL sign error or a wrong normalizer disagree.
 *
 * <p>Why a libtorch program and not PyTorch from python3-torch: libtorch is already a build dependency
 * (the same version the library is built with); Python's torch would add a large install to CI for one test.
 */
class GrpoLossAutogradOracleTest {

    private static final double EPS_LOW = 0.2;
    private static final double EPS_HIGH = 0.28;
    /** Ratios in every region of the asymmetric clip: below 0.72, between 0.72 and 0.8 (clipped only by
     *  eps_low 0.2, not by 0.28), inside, between 1.2 and 1.28 (clipped only by 0.2) and above 1.28. */
    private static final double[] RATIOS = {0.6, 0.76, 0.95, 1.0, 1.1, 1.24, 1.4};
    private static final double[] ADVANTAGES = {-1.5, -0.3, 0.7, 2.0};

    @TempDir
    Path tmp;

    private record OracleCase(GrpoLossConfig config, GrpoBatch batch) {}

    @Test
    void everyLossTypeMatchesAutogradOfTrlsFormula() throws Exception {
        Random random = new Random(17);
        List<OracleCase> cases = new ArrayList<>();
        for (LossType type : LossType.values()) {
            for (double beta : new double[] {0, 0.04, 0.5}) {
                for (boolean maskTruncated : new boolean[] {false, true}) {
                    for (int microBatches : new int[] {1, 3}) {
                        GrpoLossConfig config = new GrpoLossConfig(type, EPS_LOW, EPS_HIGH, beta, 6, maskTruncated);
                        cases.add(new OracleCase(config, randomBatch(random, config, microBatches, true)));
                        cases.add(new OracleCase(config, randomBatch(random, config, microBatches, false)));
                    }
                }
            }
        }
        assertRegionsCovered(cases);
        compareWithOracle(cases);
    }

    @Test
    void swappedBoundsAreAlsoExact() throws Exception {
        // eps_low > eps_high: the bounds are not interchangeable, whichever way round they are given
        Random random = new Random(28);
        List<OracleCase> cases = new ArrayList<>();
        for (LossType type : LossType.values()) {
            GrpoLossConfig config = new GrpoLossConfig(type, EPS_HIGH, EPS_LOW, 0.04, 6, false);
            cases.add(new OracleCase(config, randomBatch(random, config, 2, true)));
        }
        compareWithOracle(cases);
    }

    /** 2-4 completions of 1-6 tokens; with old log-probs (num_iterations 2) ratios are drawn from RATIOS. */
    private static GrpoBatch randomBatch(Random random, GrpoLossConfig config, int microBatches, boolean withOld) {
        int n = 2 + random.nextInt(3);
        List<CompletionLogProbs> completions = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int length = 1 + random.nextInt(config.maxCompletionLength());
            float[] policy = new float[length];
            float[] old = withOld ? new float[length] : null;
            float[] reference = config.needsReference() ? new float[length] : null;
            for (int t = 0; t < length; t++) {
                policy[t] = (float) (-0.05 - 3 * random.nextDouble());
                if (old != null) {
                    old[t] = (float) (policy[t] - Math.log(RATIOS[random.nextInt(RATIOS.length)]));
                }
                if (reference != null) {
                    reference[t] = (float) (policy[t] + (random.nextDouble() * 2 - 1));
                }
            }
            completions.add(new CompletionLogProbs(policy, old, reference,
                    ADVANTAGES[random.nextInt(ADVANTAGES.length)], random.nextInt(4) == 0));
        }
        GrpoLoss loss = new GrpoLoss(config);
        // the other micro-batches of the accumulated step hold some more active tokens (dapo divides by all)
        long allActive = loss.activeTokenCount(completions) + (microBatches - 1) * (long) (3 + random.nextInt(10));
        return new GrpoBatch(completions, microBatches == 1 && random.nextBoolean() ? null
                : new GradientAccumulation(microBatches, allActive));
    }

    /** Guards the test's own value: the cases must reach every clip region with both signs of advantage. */
    private static void assertRegionsCovered(List<OracleCase> cases) {
        boolean[] seen = new boolean[RATIOS.length * 2];
        for (OracleCase c : cases) {
            for (CompletionLogProbs completion : c.batch().completions()) {
                if (completion.old() == null) {
                    continue;
                }
                for (int t = 0; t < completion.length(); t++) {
                    double ratio = Math.exp((double) completion.policy()[t] - completion.old()[t]);
                    for (int r = 0; r < RATIOS.length; r++) {
                        if (Math.abs(ratio - RATIOS[r]) < 1e-4) {
                            seen[2 * r + (completion.advantage() > 0 ? 1 : 0)] = true;
                        }
                    }
                }
            }
        }
        for (int i = 0; i < seen.length; i++) {
            assertTrue(seen[i], "no case with ratio " + RATIOS[i / 2] + " and advantage " + (i % 2 == 1 ? "> 0" : "< 0"));
        }
    }

    private void compareWithOracle(List<OracleCase> cases) throws IOException, InterruptedException {
        List<String> output = runOracle(oracleInput(cases));
        int line = 0;
        for (int k = 0; k < cases.size(); k++) {
            OracleCase c = cases.get(k);
            GrpoLossResult ours = new GrpoLoss(c.config()).compute(c.batch());
            String where = "case " + k + " " + c.config();
            String[] lossLine = output.get(line++).split(" ");
            assertEquals("loss", lossLine[0], where);
            double oracleLoss = Double.parseDouble(lossLine[1]);
            assertEquals(oracleLoss, ours.loss(), 1e-9 * Math.max(1, Math.abs(oracleLoss)), where + ": loss");
            for (int i = 0; i < c.batch().completions().size(); i++) {
                String[] grads = output.get(line++).split(" ");
                float[] ourGrads = ours.dLossDLogp()[i];
                assertEquals(ourGrads.length, grads.length, where + " completion " + i);
                for (int t = 0; t < ourGrads.length; t++) {
                    double expected = Double.parseDouble(grads[t]);
                    // ours are floats: relative 1e-6 plus an absolute floor for values near 0
                    assertEquals(expected, ourGrads[t], 1e-6 * Math.abs(expected) + 1e-9,
                            where + " completion " + i + " token " + t + ": dLoss/dlogp");
                }
            }
        }
        assertEquals(output.size(), line, "the oracle printed more lines than the cases need");
    }

    private static String oracleInput(List<OracleCase> cases) {
        StringBuilder in = new StringBuilder();
        for (OracleCase c : cases) {
            GrpoLossConfig config = c.config();
            GradientAccumulation accumulation = c.batch().accumulation();
            GrpoLoss loss = new GrpoLoss(config);
            long dapoNormalizer = accumulation != null ? accumulation.activeTokensAllMicroBatches()
                    : loss.activeTokenCount(c.batch().completions());
            in.append(String.format(Locale.ROOT, "case %s %s %s %s %d %d %d %d %d%n",
                    config.lossType().name().toLowerCase(Locale.ROOT), config.epsLow(), config.epsHigh(), config.beta(),
                    config.maxCompletionLength(), config.maskTruncated() ? 1 : 0,
                    accumulation == null ? 1 : accumulation.microBatches(), Math.max(dapoNormalizer, 1),
                    c.batch().completions().size()));
            for (CompletionLogProbs completion : c.batch().completions()) {
                in.append(String.format(Locale.ROOT, "%s %d %d %d %d%n", completion.advantage(),
                        completion.truncated() ? 1 : 0, completion.length(), completion.old() != null ? 1 : 0,
                        completion.reference() != null ? 1 : 0));
                appendValues(in, completion.policy());
                appendValues(in, completion.old());
                appendValues(in, completion.reference());
            }
        }
        return in.toString();
    }

    /** Each float as the double it is exactly, so the oracle sees the same inputs. */
    private static void appendValues(StringBuilder in, float[] values) {
        if (values == null) {
            return;
        }
        for (float v : values) {
            in.append(Double.toString(v)).append(' ');
        }
        in.append('\n');
    }

    private List<String> runOracle(String input) throws IOException, InterruptedException {
        assumeFalse(Boolean.getBoolean("sqlrl.native.skip"), "native build skipped (-Dsqlrl.native.skip=true)");
        String build = System.getProperty("sqlrl.native.build");
        assertTrue(build != null, "system property sqlrl.native.build is not set (the parent pom sets it)");
        Path oracle = Path.of(build, "sqlrl_grpo_loss_oracle");
        assertTrue(Files.isExecutable(oracle), "oracle not built: " + oracle);
        Path in = tmp.resolve("cases.txt");
        Path out = tmp.resolve("oracle.txt");
        Files.writeString(in, input, StandardCharsets.UTF_8);
        Process process = new ProcessBuilder(oracle.toString())
                .redirectInput(in.toFile()).redirectOutput(out.toFile()).redirectErrorStream(false)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "oracle did not finish in 120 s");
        assertEquals(0, process.exitValue(), "oracle exit status");
        return Files.readAllLines(out, StandardCharsets.UTF_8);
    }
}
