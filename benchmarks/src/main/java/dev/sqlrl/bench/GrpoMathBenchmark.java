package dev.sqlrl.bench;

import dev.sqlrl.config.AdvantageScaling;
import dev.sqlrl.train.grpo.Advantages;
import dev.sqlrl.train.grpo.CompletionLogProbs;
import dev.sqlrl.train.grpo.GrpoBatch;
import dev.sqlrl.train.grpo.GrpoLoss;
import dev.sqlrl.train.grpo.GrpoLossConfig;
import dev.sqlrl.train.grpo.GrpoLossResult;
import dev.sqlrl.config.LossType;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The Java side of one GRPO step between native's log-prob forward and its backward: advantages of
 * a B=64 batch (8 prompts x 8 samples) and dLoss/dlogp of its 64 x 256 completion tokens. It must stay
 * negligible next to the GPU work of the same step (tens of milliseconds to seconds).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class GrpoMathBenchmark {

    private static final int COMPLETIONS = 64;
    private static final int GROUP_SIZE = 8;
    private static final int TOKENS = 256;

    /** first: on-policy, no KL (the cheapest common setting); later: old log-probs and the k3 KL term. */
    @Param({"first", "later"})
    public String iteration;

    @Param({"GRPO", "DAPO"})
    public LossType lossType;

    private double[] rewards;
    private float[][] policy;
    private float[][] old;
    private float[][] reference;
    private GrpoLoss loss;

    @Setup
    public void setUp() {
        Random random = new Random(42);
        rewards = new double[COMPLETIONS];
        policy = new float[COMPLETIONS][TOKENS];
        old = new float[COMPLETIONS][TOKENS];
        reference = new float[COMPLETIONS][TOKENS];
        for (int i = 0; i < COMPLETIONS; i++) {
            rewards[i] = random.nextInt(3) * 0.5; // execution-style rewards: 0, 0.5, 1
            for (int t = 0; t < TOKENS; t++) {
                policy[i][t] = (float) (-3 * random.nextDouble());
                old[i][t] = (float) (policy[i][t] + 0.3 * random.nextGaussian());
                reference[i][t] = (float) (policy[i][t] + 0.3 * random.nextGaussian());
            }
        }
        boolean later = iteration.equals("later");
        loss = new GrpoLoss(new GrpoLossConfig(lossType, 0.2, 0.28, later ? 0.04 : 0, TOKENS, true));
    }

    @Benchmark
    public GrpoLossResult advantagesAndGradient() {
        boolean later = iteration.equals("later");
        Advantages advantages = Advantages.compute(rewards, GROUP_SIZE, AdvantageScaling.GROUP);
        List<CompletionLogProbs> completions = new ArrayList<>(COMPLETIONS);
        for (int i = 0; i < COMPLETIONS; i++) {
            completions.add(new CompletionLogProbs(
                    policy[i], later ? old[i] : null, later ? reference[i] : null, advantages.values()[i], i % 16 == 0));
        }
        return loss.compute(GrpoBatch.single(completions));
    }
}
