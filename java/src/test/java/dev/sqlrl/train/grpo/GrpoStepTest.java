package dev.sqlrl.train.grpo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlrl.config.GrpoSection;
import dev.sqlrl.config.RunConfig;
import dev.sqlrl.data.Dataset;
import dev.sqlrl.data.Example;
import dev.sqlrl.data.Prompt;
import dev.sqlrl.model.NativeModel;
import dev.sqlrl.model.NativeTests;
import dev.sqlrl.reward.ExecutionOutcome;
import dev.sqlrl.reward.RewardBreakdown;
import dev.sqlrl.reward.RewardComponent;
import dev.sqlrl.train.AdamWOptimizer;
import dev.sqlrl.train.NonFiniteGuard;
import dev.sqlrl.train.Policy;
import dev.sqlrl.train.TinyTrainingSetup;
import dev.sqlrl.train.TrainingData;
import dev.sqlrl.train.run.MetricKeys;
import dev.sqlrl.train.run.MetricsJson;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One real GRPO step on the tiny model with stubbed rewards: what reaches the loss and what the loss hands
 * to native backward, checked against values worked out here from the step's own samples.
 * 2 prompts x 4 samples; micro-batches of 2, 2 per update: 2 updates per pass over the samples.
 */
class GrpoStepTest {
    private static final double[] REWARDS = {1, 0, 0, 0.5, 0.1, 0.1, 1, 0};
    private static final int GROUP = 4;

    @TempDir
    static Path dir;
    private static TinyTrainingSetup setup;

    @BeforeAll
    static void createModel() {
        NativeTests.assumeNative();
        setup = TinyTrainingSetup.create(dir);
    }

    /** A call of the listener, with copies of what it saw. */
    private record Backward(int iteration, int first, GrpoBatch batch, float[][] gradient, GrpoLossMetrics metrics) {}

    /** Hand-computed group advantages of REWARDS: (r - group mean) / (unbiased group std + 1e-4). */
    private static double[] expectedAdvantages() {
        // group 0: mean 0.375, squared deviations 0.390625 + 0.140625 + 0.140625 + 0.015625 = 0.6875
        // group 1: mean 0.3, squared deviations 0.04 + 0.04 + 0.49 + 0.09 = 0.66
        double std0 = Math.sqrt(0.6875 / 3);
        double std1 = Math.sqrt(0.66 / 3);
        return new double[] {0.625 / (std0 + 1e-4), -0.375 / (std0 + 1e-4), -0.375 / (std0 + 1e-4), 0.125 / (std0 + 1e-4),
                -0.2 / (std1 + 1e-4), -0.2 / (std1 + 1e-4), 0.7 / (std1 + 1e-4), -0.3 / (std1 + 1e-4)};
    }

    private static CompletionScorer stubbedRewards(Consumer<Policy> whenScored, Policy policy) {
        return (completions, examples) -> {
            assertEquals(REWARDS.length, completions.size());
            for (int i = 0; i < examples.size(); i++) {
                assertEquals(examples.get(i / GROUP * GROUP), examples.get(i), "completion " + i + " scored against another group's example");
            }
            whenScored.accept(policy);
            List<RewardBreakdown> out = new ArrayList<>();
            for (double r : REWARDS) {
                Map<RewardComponent, Double> components = new EnumMap<>(RewardComponent.class);
                for (RewardComponent c : RewardComponent.values()) {
                    components.put(c, 0.0);
                }
                components.put(RewardComponent.EXECUTION, r);
                out.add(new RewardBreakdown(r, components, "SELECT 1", r == 1 ? ExecutionOutcome.CORRECT : ExecutionOutcome.FAILED, null));
            }
            return out;
        };
    }

    private record Ran(GrpoStep.Result result, List<Backward> backwards, Policy policy, AdamWOptimizer optimizer) {}

    /** One step from fresh adapters; {@code whenScored} runs inside the reward stub, between sampling and the updates. */
    private static Ran runStep(RunConfig config, Consumer<Policy> whenScored) {
        GrpoSection grpo = config.grpo();
        Policy policy = Policy.load(config);
        policy.attachNewAdapters(config.seed());
        Dataset train = TrainingData.load(config.data()).train();
        List<GrpoPrompt> prompts = new ArrayList<>();
        for (Example example : train.examples().subList(0, grpo.promptsPerStep())) {
            Prompt prompt = policy.prompts().build(example, train);
            prompts.add(new GrpoPrompt(example, prompt, policy.tokenizer().encode(prompt.text())));
        }
        AdamWOptimizer optimizer = new AdamWOptimizer(policy.model(), grpo.optimizer(), 100);
        GrpoLoss loss = new GrpoLoss(new GrpoLossConfig(grpo.lossType(), grpo.epsLow(), grpo.epsHigh(), grpo.beta(),
                grpo.maxCompletionLength(), grpo.maskTruncatedCompletions()));
        List<Backward> backwards = new ArrayList<>();
        BackwardListener listener = (iteration, first, batch, result) -> backwards.add(new Backward(iteration, first, batch,
                Arrays.stream(result.dLossDLogp()).map(float[]::clone).toArray(float[][]::new), result.metrics()));
        GrpoStep.Result result = new GrpoStep(policy, grpo, loss, optimizer, stubbedRewards(whenScored, policy), config.seed(), 1, listener)
                .run(prompts, new NonFiniteGuard(NonFiniteGuard.DEFAULT_MAX_CONSECUTIVE));
        return new Ran(result, backwards, policy, optimizer);
    }

    private static RunConfig config(String... overrides) throws IOException {
        List<String> all = new ArrayList<>(List.of("grpo.prompts_per_step=2", "grpo.num_generations=" + GROUP,
                "grpo.micro_batch_size=2", "grpo.grad_accumulation=2", "grpo.max_completion_length=6",
                "grpo.temperature=1.0", "grpo.mask_truncated_completions=false", "lora.dropout=0.0"));
        all.addAll(List.of(overrides));
        return setup.config(all.toArray(String[]::new));
    }

    @Test
    void oneIterationHandsBackwardEachGroupsAdvantageWithTheReferenceKlOverTheUpdatesTokens() throws IOException {
        double beta = 0.04;
        Ran ran = runStep(config("grpo.num_iterations=1", "grpo.loss_type=dapo", "grpo.beta=" + beta), p -> {});
        try (Policy policy = ran.policy()) {
            List<SampledCompletion> completions = ran.result().completions();
            assertEquals(REWARDS.length, completions.size());
            assertEquals(4, ran.backwards().size(), "2 updates x 2 micro-batches");
            assertEquals(2, ran.result().updates());
            assertEquals(0, ran.result().skippedUpdates());
            assertEquals(2, ran.optimizer().stepsTaken());
            double gradNorm = ran.result().metrics().updates().gradNorm();
            assertTrue(gradNorm > 0 && Double.isFinite(gradNorm), "grad_norm " + gradNorm);

            double[] advantages = expectedAdvantages();
            NativeModel model = policy.model();
            for (Backward b : ran.backwards()) {
                assertEquals(0, b.iteration());
                // dapo divides by the active tokens of the whole update: both of its micro-batches
                int updateFirst = b.first() / 4 * 4;
                long updateTokens = completions.subList(updateFirst, updateFirst + 4).stream().mapToLong(c -> c.tokens().length).sum();
                assertNotNull(b.batch().accumulation());
                assertEquals(2, b.batch().accumulation().microBatches());
                assertEquals(updateTokens, b.batch().accumulation().activeTokensAllMicroBatches());
                for (int j = 0; j < b.batch().completions().size(); j++) {
                    int index = b.first() + j;
                    SampledCompletion sampled = completions.get(index);
                    CompletionLogProbs in = b.batch().completions().get(j);
                    String where = "completion " + index;
                    assertEquals(advantages[index], in.advantage(), 1e-9, where + ": advantage of its own group");
                    assertNull(in.old(), where + ": no old log-probs with num_iterations 1");
                    float[] reference = model.logprobs(new int[][] {sampled.sequence()},
                            new int[] {sampled.prompt().tokens().length}, false, 1.0, false)[0];
                    assertArrayEquals(reference, in.reference(), 1e-4f, where + ": reference = adapters disabled");
                    if (b.first() < 4) {
                        // the first update runs on the sampling policy: its log-probs are the sampled ones
                        assertArrayEquals(sampled.logprobs(), in.policy(), 1e-3f, where + ": policy log-probs");
                    }
                    for (int t = 0; t < in.length(); t++) {
                        // ratio 1 (old = logp detached): dloss/dlogp = -A + beta (1 - e^(ref - logp)), over the update's tokens
                        double expected = (-advantages[index] + beta * (1 - Math.exp((double) in.reference()[t] - in.policy()[t])))
                                / updateTokens;
                        assertEquals(expected, b.gradient()[j][t], 1e-6 * Math.abs(expected) + 1e-9, where + " token " + t);
                    }
                }
            }
        }
    }

    @Test
    void twoIterationsUseTheSamplingLogprobsAsOldInTheRatio() throws IOException {
        double epsLow = 0.2;
        double epsHigh = 0.28;
        Ran ran = runStep(config("grpo.num_iterations=2", "grpo.loss_type=grpo", "grpo.beta=0.0",
                "grpo.eps_low=" + epsLow, "grpo.eps_high=" + epsHigh, "grpo.optimizer.lr=0.5"), p -> {});
        try (Policy policy = ran.policy()) {
            List<SampledCompletion> completions = ran.result().completions();
            assertEquals(8, ran.backwards().size(), "2 iterations x 2 updates x 2 micro-batches");
            assertEquals(4, ran.optimizer().stepsTaken());
            double[] advantages = expectedAdvantages();
            double largestMove = 0;
            for (Backward b : ran.backwards()) {
                for (int j = 0; j < b.batch().completions().size(); j++) {
                    int index = b.first() + j;
                    CompletionLogProbs in = b.batch().completions().get(j);
                    String where = "iteration " + b.iteration() + " completion " + index;
                    assertEquals(advantages[index], in.advantage(), 1e-9, where);
                    assertArrayEquals(completions.get(index).logprobs(), in.old(), where + ": old = the sampling log-probs");
                    assertNull(in.reference(), "beta 0: no reference pass");
                    int micro = b.batch().completions().size();
                    for (int t = 0; t < in.length(); t++) {
                        double ratio = Math.exp((double) in.policy()[t] - in.old()[t]);
                        largestMove = Math.max(largestMove, Math.abs(ratio - 1));
                        boolean clipped = ratio < 1 - epsLow && advantages[index] < 0 || ratio > 1 + epsHigh && advantages[index] > 0;
                        // grpo: mean over the completion's tokens, then over the micro-batch, over 2 accumulated micro-batches
                        double expected = (clipped ? 0 : -advantages[index] * ratio) / ((double) in.length() * micro * 2);
                        assertEquals(expected, b.gradient()[j][t], 1e-6 * Math.abs(expected) + 1e-9, where + " token " + t);
                    }
                }
            }
            // (the tiny model moves little per update: ~2e-3 at lr 0.5; clipping itself is GrpoLossTest's and the oracle's)
            assertTrue(largestMove > 5e-4, "the policy moved after the first update, so the ratio is not 1: " + largestMove);
        }
    }

    @Test
    void theStepsLineCarriesTheLossRatioAndLengthStatisticsOfEveryMicroBatch() throws IOException {
        Ran ran = runStep(config("grpo.num_iterations=2", "grpo.loss_type=grpo", "grpo.beta=0.04",
                "grpo.optimizer.lr=0.5"), p -> {});
        try (Policy policy = ran.policy()) {
            Map<String, Object> line = MetricsJson.toMap(ran.result().metrics());
            for (String key : List.of(MetricKeys.IMPORTANCE_RATIO_MEAN, MetricKeys.IMPORTANCE_RATIO_MIN,
                    MetricKeys.IMPORTANCE_RATIO_MAX, MetricKeys.ACTIVE_TOKENS, MetricKeys.COMPLETION_LENGTH_MEAN,
                    MetricKeys.COMPLETION_LENGTH_MIN, MetricKeys.COMPLETION_LENGTH_MAX,
                    MetricKeys.COMPLETION_LENGTH_TRUNCATED_FRACTION, MetricKeys.KL)) {
                assertTrue(line.get(key) instanceof Number n && Double.isFinite(n.doubleValue()), key + " = " + line.get(key));
            }

            // lengths: those of the sampled completions, as the step computed them itself before
            List<SampledCompletion> completions = ran.result().completions();
            int[] lengths = completions.stream().mapToInt(c -> c.tokens().length).toArray();
            long tokens = Arrays.stream(lengths).sum();
            assertEquals((double) tokens / lengths.length, line.get(MetricKeys.COMPLETION_LENGTH_MEAN));
            assertEquals(Arrays.stream(lengths).min().orElseThrow(), line.get(MetricKeys.COMPLETION_LENGTH_MIN));
            assertEquals(Arrays.stream(lengths).max().orElseThrow(), line.get(MetricKeys.COMPLETION_LENGTH_MAX));
            assertEquals(completions.stream().filter(SampledCompletion::truncated).count() / (double) lengths.length,
                    line.get(MetricKeys.COMPLETION_LENGTH_TRUNCATED_FRACTION));
            // nothing masked: every token carries loss, once per iteration
            assertEquals(2 * tokens, line.get(MetricKeys.ACTIVE_TOKENS));

            // ratios: the token-weighted mean and the range of what the loss saw in its 8 micro-batches
            assertEquals(8, ran.backwards().size());
            double ratioTokenSum = 0;
            double ratioMin = Double.POSITIVE_INFINITY;
            double ratioMax = Double.NEGATIVE_INFINITY;
            for (Backward b : ran.backwards()) {
                ratioTokenSum += b.metrics().ratioMean() * b.metrics().activeTokens();
                ratioMin = Math.min(ratioMin, b.metrics().ratioMin());
                ratioMax = Math.max(ratioMax, b.metrics().ratioMax());
            }
            assertEquals(ratioTokenSum / (2 * tokens), (double) line.get(MetricKeys.IMPORTANCE_RATIO_MEAN), 1e-12);
            assertEquals(ratioMin, line.get(MetricKeys.IMPORTANCE_RATIO_MIN));
            assertEquals(ratioMax, line.get(MetricKeys.IMPORTANCE_RATIO_MAX));
            assertTrue(ratioMin < ratioMax, "the policy moved between updates, so the ratios differ: " + ratioMin + ".." + ratioMax);
        }
    }

    @Test
    void nonFiniteLogprobsSkipEveryUpdateWithoutBackwardOrOptimizerStep() throws IOException {
        RunConfig config = config("grpo.num_iterations=1", "grpo.loss_type=dapo", "grpo.beta=0.04");
        // poisoned after sampling: the reference pass (adapters off) stays finite, the policy's log-probs turn NaN
        Ran poisoned = runStep(config, p -> {
            NativeModel.LoraTensor first = p.model().loraTensors().getFirst();
            float[] values = p.model().readLora(first, NativeModel.LoraBuffer.VALUE);
            Arrays.fill(values, Float.NaN);
            p.model().writeLora(first, NativeModel.LoraBuffer.VALUE, values);
        });
        try (Policy policy = poisoned.policy()) {
            assertEquals(2, poisoned.result().updates());
            assertEquals(2, poisoned.result().skippedUpdates());
            assertTrue(poisoned.backwards().isEmpty(), "nothing non-finite reaches backward");
            assertEquals(0, poisoned.optimizer().stepsTaken(), "no optimizer step");
            assertTrue(Double.isNaN(poisoned.result().metrics().updates().loss()));
            assertTrue(Double.isNaN(poisoned.result().metrics().updates().gradNorm()));
            assertEquals(2, poisoned.result().metrics().updates().skipped());
            NativeModel model = policy.model();
            NativeModel.LoraTensor untouched = model.loraTensors().get(1);
            float[] gradients = model.readLora(untouched, NativeModel.LoraBuffer.GRAD);
            for (float g : gradients) {
                assertEquals(0f, g, "gradients were zeroed after the skipped update");
            }
        }
    }
}
