package dev.sqlrl.perf;

import dev.sqlrl.model.Completion;
import dev.sqlrl.model.NativeModel;
import dev.sqlrl.model.NativeRuntime;
import dev.sqlrl.model.SamplingParams;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Times batched sampling the way GRPO samples: `batch` rows = prompts x samplesPerPrompt, random prompt
 * ids of promptLen tokens, no stop ids (every row runs newTokens). Prefill is timed on its own (a run
 * of one new token), so a decode step's time is (full run - prefill run) / (newTokens - 1). The ATen operators
 * of one decode step (what bounds small-batch decode on a GPU: each is a host dispatch and a launch) are counted
 * as the difference between runs of 3 and 2 new tokens.
 */
public final class SamplingBenchmark {
    public record Settings(int batch, int samplesPerPrompt, int promptLen, int newTokens, double temperature,
                           double topP, int topK, long seed, int repeats) {
        public Settings {
            if (batch <= 0 || samplesPerPrompt <= 0 || batch % samplesPerPrompt != 0) {
                throw new IllegalArgumentException("batch (" + batch + ") must be a positive multiple of the samples per prompt ("
                        + samplesPerPrompt + ")");
            }
            if (promptLen <= 0) throw new IllegalArgumentException("prompt length must be > 0, got " + promptLen);
            if (newTokens < 2) throw new IllegalArgumentException("new tokens must be >= 2 (prefill is timed apart), got " + newTokens);
            if (repeats <= 0) throw new IllegalArgumentException("repeats must be > 0, got " + repeats);
        }

        int prompts() {
            return batch / samplesPerPrompt;
        }
    }

    /** Times are medians over the repeats. */
    public record Result(double prefillSeconds, double decodeSecondsPerStep, double totalSeconds, long generatedTokens,
                         double tokensPerSecond, DecodeRoofline roofline, long devicePeakBytes, long opsPerDecodeStep) {
        /** Roofline time of a decode step over its measured time (1 = at the bandwidth limit). */
        public double fractionOfRoofline() {
            return roofline.secondsPerStep() / decodeSecondsPerStep;
        }
    }

    private SamplingBenchmark() {}

    /** promptKvShared: the samples of a prompt read its K/V from one prefill (the fused decode step). */
    public static Result run(NativeModel model, Settings settings, double bandwidthBytesPerSecond, int kvBytesPerValue,
                             boolean promptKvShared, Consumer<String> progress) {
        int[][] prompts = randomPrompts(settings, model.config().vocabSize());
        boolean adapters = !model.loraTensors().isEmpty();
        progress.accept("warm-up run");
        generate(model, prompts, settings, Math.min(8, settings.newTokens()), adapters);
        double[] prefill = new double[settings.repeats()];
        double[] total = new double[settings.repeats()];
        long generated = 0;
        for (int r = 0; r < settings.repeats(); r++) {
            long start = System.nanoTime();
            generate(model, prompts, settings, 1, adapters);
            prefill[r] = Timings.secondsSince(start);
            start = System.nanoTime();
            List<Completion> completions = generate(model, prompts, settings, settings.newTokens(), adapters);
            total[r] = Timings.secondsSince(start);
            generated = completions.stream().mapToLong(c -> c.tokens().length).sum();
            progress.accept(String.format("run %d/%d: prefill %.3f s, %d tokens in %.3f s", r + 1, settings.repeats(),
                    prefill[r], generated, total[r]));
        }
        double prefillSeconds = Timings.median(prefill);
        double totalSeconds = Timings.median(total);
        double decodeStep = Math.max(1e-9, (totalSeconds - prefillSeconds) / (settings.newTokens() - 1));
        // Rows attend the prompt plus, on average, half the new tokens during decode.
        double promptPositions = (promptKvShared ? settings.prompts() : settings.batch()) * (double) settings.promptLen();
        double cachedPositions = promptPositions + settings.batch() * settings.newTokens() / 2.0;
        DecodeRoofline roofline = DecodeRoofline.of(model, cachedPositions, kvBytesPerValue, bandwidthBytesPerSecond);
        long devicePeak = model.memory().devicePeak();
        long opsPerStep = NativeRuntime.countOps(() -> generate(model, prompts, settings, 3, adapters))
                - NativeRuntime.countOps(() -> generate(model, prompts, settings, 2, adapters));
        return new Result(prefillSeconds, decodeStep, totalSeconds, generated, generated / totalSeconds, roofline,
                devicePeak, opsPerStep);
    }

    private static List<Completion> generate(NativeModel model, int[][] prompts, Settings s, int newTokens, boolean adapters) {
        SamplingParams params = new SamplingParams(false, s.temperature(), s.topK(), s.topP(), s.seed(), newTokens,
                s.samplesPerPrompt(), List.of());
        return model.generate(prompts, params, adapters);
    }

    private static int[][] randomPrompts(Settings s, int vocab) {
        SplittableRandom random = new SplittableRandom(s.seed());
        int[][] prompts = new int[s.prompts()][s.promptLen()];
        for (int[] prompt : prompts) {
            for (int i = 0; i < prompt.length; i++) prompt[i] = random.nextInt(vocab);
        }
        return prompts;
    }
}
