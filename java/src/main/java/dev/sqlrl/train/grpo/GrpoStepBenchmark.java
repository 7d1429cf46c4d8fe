package dev.sqlrl.train.grpo;

import dev.sqlrl.config.GrpoSection;
import dev.sqlrl.config.RunConfig;
import dev.sqlrl.data.Example;
import dev.sqlrl.data.Prompt;
import dev.sqlrl.model.NativeModel;
import dev.sqlrl.perf.Timings;
import dev.sqlrl.train.AdamWOptimizer;
import dev.sqlrl.train.DataParallel;
import dev.sqlrl.train.NonFiniteGuard;
import dev.sqlrl.train.Policy;
import dev.sqlrl.train.TrainingData;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Times whole GRPO steps exactly as the trainer runs them (the same {@link GrpoStep}: sampling, reward
 * on the run's SQLite databases, advantages, the reference pass when beta > 0, the updates), on any
 * policy, e.g. a random-weight model of a named shape. The prompts are the run's training examples
 * (their gold SQL and database score the completions) carrying random token ids of a fixed length, so
 * that the step has the benchmark's shape whatever the tokenizer makes of the questions.
 */
public final class GrpoStepBenchmark {
    /** Median seconds of each phase over the timed steps, and the completion tokens of the last step. */
    public record Result(double stepSeconds, double sampleSeconds, double rewardSeconds, double referenceSeconds,
                         double updateSeconds, int completions, long completionTokens, GrpoStepMetrics lastMetrics) {}

    private GrpoStepBenchmark() {}

    /** One untimed warm-up step, then `steps` timed ones. */
    public static Result run(Policy policy, RunConfig config, int promptLen, int steps, Consumer<String> progress) {
        GrpoSection grpo = config.grpo();
        TrainingData data = TrainingData.load(config.data());
        NativeModel model = policy.model();
        SplittableRandom random = new SplittableRandom(config.seed());
        List<GrpoPrompt> prompts = new ArrayList<>();
        for (int i = 0; i < grpo.promptsPerStep(); i++) {
            Example example = data.train().examples().get(i % data.train().examples().size());
            Prompt prompt = policy.prompts().build(example, data.train());
            int[] tokens = new int[promptLen];
            for (int t = 0; t < promptLen; t++) tokens[t] = random.nextInt(model.config().vocabSize());
            prompts.add(new GrpoPrompt(example, prompt, tokens));
        }
        int updatesPerStep = grpo.completionsPerStep() / (grpo.microBatchSize() * grpo.gradAccumulation()) * grpo.numIterations();
        AdamWOptimizer optimizer = new AdamWOptimizer(model, grpo.optimizer(), (long) (steps + 1) * updatesPerStep);
        GrpoLoss loss = new GrpoLoss(new GrpoLossConfig(grpo.lossType(), grpo.epsLow(), grpo.epsHigh(), grpo.beta(),
                grpo.maxCompletionLength(), grpo.maskTruncatedCompletions()));
        NonFiniteGuard guard = new NonFiniteGuard(Integer.MAX_VALUE);
        double[] total = new double[steps], sample = new double[steps], reward = new double[steps];
        double[] reference = new double[steps], update = new double[steps];
        GrpoStep.Result last = null;
        try (RewardEnvironment rewards = new RewardEnvironment(config.reward(), policy.prompts().template().answerFormat(),
                data.train())) {
            progress.accept("warm-up step");
            new GrpoStep(policy, grpo, loss, optimizer, rewards, config.seed(), 1, DataParallel.single()).run(prompts, guard);
            for (int s = 0; s < steps; s++) {
                long start = System.nanoTime();
                last = new GrpoStep(policy, grpo, loss, optimizer, rewards, config.seed(), s + 2, DataParallel.single()).run(prompts, guard);
                total[s] = Timings.secondsSince(start);
                GrpoStepMetrics.Times times = last.metrics().times();
                sample[s] = times.sampleSeconds();
                reward[s] = times.rewardSeconds();
                reference[s] = times.referenceSeconds();
                update[s] = times.updateSeconds();
                progress.accept(String.format("step %d/%d: %.2f s (sample %.2f, reward %.2f, reference %.2f, update %.2f)",
                        s + 1, steps, total[s], sample[s], reward[s], reference[s], update[s]));
            }
        }
        long tokens = last.completions().stream().mapToLong(c -> c.tokens().length).sum();
        return new Result(Timings.median(total), Timings.median(sample), Timings.median(reward),
                Timings.median(reference), Timings.median(update), last.completions().size(), tokens, last.metrics());
    }
}
