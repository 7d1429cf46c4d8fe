package dev.sqlrl.generation;

import dev.sqlrl.data.Dataset;
import dev.sqlrl.data.Example;
import dev.sqlrl.data.Prompt;
import dev.sqlrl.data.PromptBuilder;
import dev.sqlrl.data.SqlExtractor;
import dev.sqlrl.model.Completion;
import dev.sqlrl.model.NativeModel;
import dev.sqlrl.model.SamplingParams;
import dev.sqlrl.model.tokenizer.TextTokenizer;
import java.util.ArrayList;
import java.util.List;

/**
 * Asks the model for the SQL of examples: builds and tokenizes each prompt, generates in batches of
 * prompts (each prompt's samples share its prefill), decodes the answers and extracts their SQL.
 * A prompt longer than the limit is skipped and reported, never truncated: a truncated schema
 * would make the model answer another question than the one scored.
 *
 * <p>Uses the native model, so like it this is for one thread at a time; the model, tokenizer and
 * prompt builder stay the caller's.
 */
public final class SqlGenerator {
    /** Told after each batch; for progress lines during long evaluations. */
    @FunctionalInterface
    public interface ProgressListener {
        void batchDone(int promptsDone, int promptsTotal, long tokensGenerated);
    }

    private final NativeModel model;
    private final TextTokenizer tokenizer;
    private final PromptBuilder prompts;
    private final int maxPromptTokens;
    private final int batchPrompts;
    private final ProgressListener progress;
    private final List<Integer> stopIds;
    private BatchRunner batches = BatchRunner.LOCAL;

    public SqlGenerator(NativeModel model, TextTokenizer tokenizer, PromptBuilder prompts, int maxPromptTokens,
                        int batchPrompts) {
        this(model, tokenizer, prompts, maxPromptTokens, batchPrompts, (done, total, tokens) -> { });
    }

    public SqlGenerator(NativeModel model, TextTokenizer tokenizer, PromptBuilder prompts, int maxPromptTokens,
                        int batchPrompts, ProgressListener progress) {
        if (maxPromptTokens <= 0) throw new IllegalArgumentException("max prompt tokens must be > 0, got " + maxPromptTokens);
        if (batchPrompts <= 0) throw new IllegalArgumentException("prompts per batch must be > 0, got " + batchPrompts);
        this.model = model;
        this.tokenizer = tokenizer;
        this.prompts = prompts;
        this.maxPromptTokens = maxPromptTokens;
        this.batchPrompts = batchPrompts;
        this.progress = progress;
        this.stopIds = StopTokens.of(model.config(), tokenizer);
    }

    /** Runs the batches of {@link #generateAll} through {@code runner} (data-parallel ranks) instead of here alone. */
    public SqlGenerator runningBatchesWith(BatchRunner runner) {
        this.batches = runner;
        return this;
    }

    /** The ids that should end an answer ({@link StopTokens#of}); put them in the sampling params. */
    public List<Integer> stopIds() {
        return stopIds;
    }

    /** Greedy decoding that stops at {@link #stopIds()}. */
    public SamplingParams greedy(int maxNewTokens) {
        return SamplingParams.greedy(maxNewTokens, stopIds);
    }

    /** k samples per prompt at the temperature (no top-k/top-p cut), stopping at {@link #stopIds()}. */
    public SamplingParams sampling(int numSamples, double temperature, long seed, int maxNewTokens) {
        return new SamplingParams(false, temperature, 0, 1.0, seed, maxNewTokens, numSamples, stopIds);
    }

    public PromptBuilder prompts() {
        return prompts;
    }

    public int maxPromptTokens() {
        return maxPromptTokens;
    }

    /** The answers to the examples that fit, in example order (see {@link #generateAll} for the skipped ones). */
    public List<GeneratedSql> generate(Dataset dataset, List<Example> examples, SamplingParams params, boolean useAdapters) {
        return generateAll(dataset, examples, params, useAdapters).generated();
    }

    /**
     * Generates params.numSamples() answers per example, stopping at params.stopIds(). Batch b is
     * sampled with seed params.seed() + (index of its first prompt), so batches draw differently.
     */
    public GenerationResult generateAll(Dataset dataset, List<Example> examples, SamplingParams params,
                                       boolean useAdapters) {
        List<Example> fitting = new ArrayList<>();
        List<Prompt> fittingPrompts = new ArrayList<>();
        List<int[]> fittingTokens = new ArrayList<>();
        List<Example> tooLong = new ArrayList<>();
        for (Example example : examples) {
            Prompt prompt = prompts.build(example, dataset);
            int[] tokens = tokenizer.encode(prompt.text());
            if (tokens.length > maxPromptTokens) {
                tooLong.add(example);
            } else {
                fitting.add(example);
                fittingPrompts.add(prompt);
                fittingTokens.add(tokens);
            }
        }
        List<GeneratedSql> generated = new ArrayList<>(fitting.size());
        long[] tokensGenerated = {0};
        int batchCount = (fitting.size() + batchPrompts - 1) / batchPrompts;
        List<List<Completion>> answers = batches.run(batchCount, b -> {
            int start = b * batchPrompts, end = Math.min(fitting.size(), start + batchPrompts);
            List<Completion> completions = model.generate(fittingTokens.subList(start, end).toArray(int[][]::new),
                    withSeed(params, params.seed() + start), useAdapters);
            for (Completion c : completions) tokensGenerated[0] += c.tokens().length;
            progress.batchDone(end, fitting.size(), tokensGenerated[0]);
            return completions;
        });
        for (int b = 0; b < batchCount; b++) {
            int start = b * batchPrompts;
            int[][] batch = fittingTokens.subList(start, Math.min(fitting.size(), start + batchPrompts)).toArray(int[][]::new);
            List<Completion> completions = answers.get(b);
            for (int p = 0; p < batch.length; p++) {
                List<Sample> samples = new ArrayList<>(params.numSamples());
                for (int s = 0; s < params.numSamples(); s++) {
                    Completion completion = completions.get(p * params.numSamples() + s);
                    samples.add(sample(completion, params));
                }
                generated.add(new GeneratedSql(fitting.get(start + p), fittingPrompts.get(start + p), batch[p], samples));
            }
        }
        return new GenerationResult(generated, tooLong);
    }

    private Sample sample(Completion completion, SamplingParams params) {
        int[] tokens = completion.tokens();
        boolean stopped = tokens.length > 0 && params.stopIds().contains(tokens[tokens.length - 1]);
        boolean truncated = !stopped && tokens.length >= params.maxNewTokens();
        String text = tokenizer.decode(tokens, true);
        return new Sample(tokens, completion.logprobs(), text, SqlExtractor.extract(text), truncated);
    }

    private static SamplingParams withSeed(SamplingParams p, long seed) {
        return new SamplingParams(p.greedy(), p.temperature(), p.topK(), p.topP(), seed, p.maxNewTokens(),
                p.numSamples(), p.stopIds());
    }
}
