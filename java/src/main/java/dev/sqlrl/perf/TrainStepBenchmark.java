package dev.sqlrl.perf;

import dev.sqlrl.model.NativeModel;
import dev.sqlrl.train.DataParallel;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Times the update of a GRPO / SFT step: log-probs of `batch` random sequences of promptLen + completionLen
 * tokens with the graph kept, the backward of the mean completion log-prob (d/dlogp = -1/N), micro-batch
 * by micro-batch (gradients accumulate, as the trainers do to bound memory), then one AdamW step with
 * gradient clipping over the LoRA parameters.
 */
public final class TrainStepBenchmark {
    public record Settings(int batch, int microBatch, int promptLen, int completionLen, long seed, int steps) {
        public Settings {
            if (batch <= 0) throw new IllegalArgumentException("batch must be > 0, got " + batch);
            if (microBatch <= 0 || batch % microBatch != 0) {
                throw new IllegalArgumentException("the micro-batch (" + microBatch + ") must divide the batch (" + batch + ")");
            }
            if (promptLen <= 0 || completionLen <= 0) {
                throw new IllegalArgumentException("prompt and completion lengths must be > 0, got " + promptLen + " and "
                        + completionLen);
            }
            if (steps <= 0) throw new IllegalArgumentException("steps must be > 0, got " + steps);
        }

        int sequenceLen() {
            return promptLen + completionLen;
        }
    }

    /** Times are medians over the timed steps (after one untimed warm-up step). */
    /**
     * @param allReduceSeconds the median time of summing the LoRA gradients over data-parallel ranks (0 alone)
     * @param tokensPerStep    the whole step's, over every rank
     */
    public record Result(double forwardSeconds, double backwardSeconds, double allReduceSeconds, double optimizerSeconds,
                         double stepSeconds, long tokensPerStep, double tokensPerSecond, double completionTokensPerSecond,
                         long devicePeakBytes) {}

    private TrainStepBenchmark() {}

    public static Result run(NativeModel model, Settings settings, Consumer<String> progress) {
        return run(model, settings, progress, DataParallel.single());
    }

    /**
     * As one of data-parallel {@code ranks}: the batch is the whole step's; each rank runs a block of its micro-batches,
     * then the gradients are summed over the ranks before AdamW. Every rank must give the same settings.
     */
    public static Result run(NativeModel model, Settings settings, Consumer<String> progress, DataParallel ranks) {
        if (model.loraTensors().isEmpty()) {
            throw new IllegalArgumentException("the train step updates LoRA adapters: give a LoRA rank > 0");
        }
        SplittableRandom random = new SplittableRandom(settings.seed());
        int micros = settings.batch() / settings.microBatch();
        int[][][] sequences = new int[micros][settings.microBatch()][settings.sequenceLen()];
        for (int[][] micro : sequences) {
            for (int[] sequence : micro) {
                for (int i = 0; i < sequence.length; i++) sequence[i] = random.nextInt(model.config().vocabSize());
            }
        }
        int[] promptLens = new int[settings.microBatch()];
        Arrays.fill(promptLens, settings.promptLen());
        float[][] grads = new float[settings.microBatch()][settings.completionLen()];
        float perToken = -1.0f / ((long) settings.batch() * settings.completionLen());
        for (float[] g : grads) Arrays.fill(g, perToken);

        int[] mine = ranks.share(micros);
        int[][][] own = Arrays.copyOfRange(sequences, mine[0], mine[1]);
        progress.accept("warm-up step");
        step(model, own, promptLens, grads, 1, new double[4], ranks);
        int n = settings.steps();
        double[] forward = new double[n], backward = new double[n], allReduce = new double[n], optimizer = new double[n];
        double[] total = new double[n];
        for (int s = 0; s < n; s++) {
            double[] split = new double[4];
            long start = System.nanoTime();
            step(model, own, promptLens, grads, s + 2, split, ranks);
            total[s] = Timings.secondsSince(start);
            forward[s] = split[0];
            backward[s] = split[1];
            allReduce[s] = split[2];
            optimizer[s] = split[3];
            progress.accept(String.format("step %d/%d: %.3f s (forward %.3f, backward %.3f, all-reduce %.3f, optimizer %.3f)",
                    s + 1, n, total[s], split[0], split[1], split[2], split[3]));
        }
        long tokens = (long) settings.batch() * settings.sequenceLen();
        long completionTokens = (long) settings.batch() * settings.completionLen();
        double stepSeconds = Timings.median(total);
        return new Result(Timings.median(forward), Timings.median(backward), Timings.median(allReduce),
                Timings.median(optimizer), stepSeconds, tokens, tokens / stepSeconds,
                completionTokens / stepSeconds, model.memory().devicePeak());
    }

    private static void step(NativeModel model, int[][][] microBatches, int[] promptLens, float[][] grads, long adamStep,
                             double[] split, DataParallel ranks) {
        model.zeroGrad();
        for (int[][] micro : microBatches) {
            long start = System.nanoTime();
            model.logprobs(micro, promptLens, true, 1.0, true);
            split[0] += Timings.secondsSince(start);
            start = System.nanoTime();
            model.backward(grads);
            split[1] += Timings.secondsSince(start);
        }
        long start = System.nanoTime();
        ranks.sumGradients(model);
        split[2] = Timings.secondsSince(start);
        start = System.nanoTime();
        // The learning rate is irrelevant to the time; small so that the random model stays finite.
        model.adamwStep(1e-5, 0.9, 0.999, 1e-8, 0.0, 1.0, adamStep);
        split[3] = Timings.secondsSince(start);
    }
}
