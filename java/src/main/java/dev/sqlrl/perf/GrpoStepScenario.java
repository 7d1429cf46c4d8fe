package dev.sqlrl.perf;

import dev.sqlrl.DurableFiles;
import dev.sqlrl.config.RunConfig;
import dev.sqlrl.config.RunConfigs;
import dev.sqlrl.demo.CpuDemo;
import dev.sqlrl.demo.company.CompanyDataset;
import dev.sqlrl.model.ModelConfig;
import dev.sqlrl.model.NativeModel;
import dev.sqlrl.model.init.ModelInitializer;
import dev.sqlrl.model.init.ModelSize;
import dev.sqlrl.train.Policy;
import dev.sqlrl.train.grpo.GrpoStepBenchmark;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * `sqlrl bench grpo-step`'s scenario: whole GRPO steps of a given model through the trainer's own step, rewarded on the
 * demo's company database (written to a temporary folder with a tiny tokenizer that suits it, removed afterwards), with
 * the built-in demo config set to the benchmark's shape.
 */
public final class GrpoStepScenario {
    /** The shape of a step. */
    public record Settings(int prompts, int samplesPerPrompt, int promptLen, int newTokens, int microBatch, double beta,
                           int loraRank, boolean denseSampling, int steps, long seed, List<String> overrides) {}

    private GrpoStepScenario() {}

    /**
     * The step's results, the run config it ran under, and the device's peak memory (read before the policy, which
     * owns the model from then on, closes it).
     */
    public record Outcome(GrpoStepBenchmark.Result result, RunConfig config, long devicePeakBytes) {}

    public static Outcome run(NativeModel model, Settings s, Consumer<String> progress) {
        int completions = s.prompts() * s.samplesPerPrompt();
        Path work;
        try {
            work = Files.createTempDirectory("sqlrl-bench-grpo");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            CompanyDataset.Written data = CompanyDataset.write(work.resolve("data"), s.seed());
            // The tokenizer only turns completions into text for the reward; the tiny model's suits the data.
            ModelInitializer.create(new ModelInitializer.Options(ModelConfig.Architecture.QWEN2, ModelSize.TINY,
                    work.resolve("tokenizer"), data.tokenizerCorpus(), CpuDemo.TOKENIZER_VOCAB, s.seed()));
            List<String> keys = new ArrayList<>(List.of(
                    "model.path=" + work.resolve("tokenizer"), "data.path=" + work.resolve("data"),
                    "output_dir=" + work, "seed=" + s.seed(), "model.gradient_checkpointing=true",
                    "model.dense_sampling=" + s.denseSampling(),
                    "lora.rank=" + s.loraRank(), "lora.alpha=" + 2 * s.loraRank(), "lora.dropout=0.0",
                    "grpo.prompts_per_step=" + s.prompts(), "grpo.num_generations=" + s.samplesPerPrompt(),
                    "grpo.max_completion_length=" + s.newTokens(), "grpo.micro_batch_size=" + s.microBatch(),
                    "grpo.grad_accumulation=" + completions / s.microBatch(), "grpo.beta=" + s.beta(),
                    "grpo.num_iterations=1"));
            keys.addAll(s.overrides());
            RunConfig config = RunConfigs.parse(CpuDemo.bundledConfigYaml(), "demo_cpu.yaml (built in) for bench grpo-step",
                    work, keys);
            try (Policy policy = Policy.around(config, model)) {
                GrpoStepBenchmark.Result result = GrpoStepBenchmark.run(policy, config, s.promptLen(), s.steps(), progress);
                return new Outcome(result, config, model.memory().devicePeak());
            }
        } finally {
            try {
                DurableFiles.deleteRecursively(work);
            } catch (IOException e) {
                progress.accept("could not remove " + work + ": " + e.getMessage());
            }
        }
    }
}
