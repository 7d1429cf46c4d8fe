package dev.sqlrl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sqlrl.UserInputException;
import dev.sqlrl.config.RunConfig;
import dev.sqlrl.config.RunConfigs;
import dev.sqlrl.demo.CpuDemo;
import dev.sqlrl.demo.company.CompanyDataset;
import dev.sqlrl.model.Device;
import dev.sqlrl.model.ModelConfig;
import dev.sqlrl.model.NativeModel;
import dev.sqlrl.model.NativeRuntime;
import dev.sqlrl.model.WeightMode;
import dev.sqlrl.model.init.ModelInitializer;
import dev.sqlrl.model.init.ModelSize;
import dev.sqlrl.perf.DecodeRoofline;
import dev.sqlrl.perf.HfBaseline;
import dev.sqlrl.perf.ModelShape;
import dev.sqlrl.perf.ProcessMemory;
import dev.sqlrl.perf.RandomModels;
import dev.sqlrl.perf.SamplingBenchmark;
import dev.sqlrl.perf.TrainStepBenchmark;
import dev.sqlrl.train.Policy;
import dev.sqlrl.train.grpo.GrpoStepBenchmark;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sqlrl bench sample|train-step|grpo-step}: throughput of random-weight models of named shapes. */
@Command(name = "bench", description = "Benchmarks on random-weight models of named shapes (no model files).",
        subcommands = {BenchCommand.Sample.class, BenchCommand.TrainStep.class, BenchCommand.GrpoStep.class})
public final class BenchCommand implements Runnable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final double GIB = 1024.0 * 1024 * 1024;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** The model every benchmark builds, and how results are printed. */
    abstract static class ModelBench implements Callable<Integer> {
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Option(names = "--shape", required = true, paramLabel = "SHAPE",
                description = "tiny, qwen2.5-0.5b, qwen2.5-1.5b or qwen2.5-7b (random weights made on the device).")
        String shape;

        @Option(names = "--weights", defaultValue = "nf4", paramLabel = "MODE",
                description = "Base weight storage: fp32, bf16 or nf4 (default: ${DEFAULT-VALUE}).")
        String weights;

        @Option(names = "--double-quant", description = "NF4: double-quantize the absmax values (QLoRA's default).")
        boolean doubleQuant;

        @Option(names = "--device", defaultValue = "cuda", description = "cpu or cuda (default: ${DEFAULT-VALUE}).")
        String device;

        @Option(names = "--lora-rank", defaultValue = "16", paramLabel = "R",
                description = "LoRA rank on all seven projections, alpha 2R; 0: none (default: ${DEFAULT-VALUE}).")
        int loraRank;

        @Option(names = "--seed", defaultValue = "0") long seed;

        @Option(names = "--threads", defaultValue = "0", description = "CPU threads for native math (0: library default).")
        int threads;

        @Option(names = "--json", description = "Print the result as one JSON object on the last line.")
        boolean json;

        @Override
        public final Integer call() {
            ModelShape modelShape = ModelShape.parse(shape);
            Device on = Device.parse(device);
            WeightMode mode = WeightMode.parse(weights);
            if (threads > 0) NativeRuntime.setThreads(threads);
            if (on == Device.CUDA && !NativeRuntime.cudaAvailable()) {
                throw new UserInputException("--device cuda, but this libsqlrl (" + NativeRuntime.version()
                        + ") has no CUDA device; build it against a CUDA libtorch (benchmarks/README.md) or use --device cpu");
            }
            if (doubleQuant && mode != WeightMode.NF4) throw new UserInputException("--double-quant needs --weights nf4");
            ObjectNode result = JSON.createObjectNode();
            result.put("benchmark", spec.name());
            result.put("date", Instant.now().toString());
            result.put("native", NativeRuntime.version());
            result.put("shape", modelShape.id);
            result.put("weights", mode.name().toLowerCase(Locale.ROOT) + (doubleQuant ? "+dq" : ""));
            result.put("device", on.name().toLowerCase(Locale.ROOT));
            result.put("lora_rank", loraRank);
            long start = System.nanoTime();
            try (NativeModel model = RandomModels.create(modelShape, mode, on, doubleQuant, loraRank, seed)) {
                System.err.printf("bench: %s %s on %s, random weights in %.1f s (%.2f GiB)%n", modelShape.id,
                        result.get("weights").asText(), result.get("device").asText(), (System.nanoTime() - start) / 1e9,
                        model.memory().weightBytes() / GIB);
                measure(model, on, result);
            }
            result.put("process_peak_rss_bytes", ProcessMemory.peakResidentBytes());
            HfBaseline baseline = HfBaseline.of(modelShape);
            if (baseline != null) {
                ObjectNode hf = result.putObject("hf_baseline");
                hf.put("settings", HfBaseline.SETTINGS);
                hf.put("generate_tokens_per_s", baseline.generateTokensPerSecond());
                hf.put("update_tokens_per_s", baseline.updateTokensPerSecond());
                hf.put("update_peak_gib", baseline.updatePeakGib());
            }
            printSummary(result);
            if (json) System.out.println(result);
            return 0;
        }

        abstract void measure(NativeModel model, Device on, ObjectNode result);

        abstract void printSummary(ObjectNode result);
    }

    @Command(name = "sample", mixinStandardHelpOptions = true,
            description = "Batched sampling: prefill time, ms per decode step, tokens/s, peak memory and the decode roofline.")
    static final class Sample extends ModelBench {
        @Option(names = "--batch", defaultValue = "64", description = "Rows sampled together (default: ${DEFAULT-VALUE}).")
        int batch;

        @Option(names = "--samples-per-prompt", defaultValue = "1", paramLabel = "K",
                description = "Rows per prompt sharing its prefill, as GRPO's groups (default: ${DEFAULT-VALUE}).")
        int samplesPerPrompt;

        @Option(names = "--prompt-len", defaultValue = "384") int promptLen;
        @Option(names = "--new-tokens", defaultValue = "256") int newTokens;
        @Option(names = "--temperature", defaultValue = "1.0") double temperature;
        @Option(names = "--top-p", defaultValue = "1.0") double topP;
        @Option(names = "--top-k", defaultValue = "0") int topK;
        @Option(names = "--repeats", defaultValue = "3", description = "Timed runs; the median is reported (default: ${DEFAULT-VALUE}).")
        int repeats;

        @Override
        void measure(NativeModel model, Device on, ObjectNode result) {
            SamplingBenchmark.Settings settings;
            try {
                settings = new SamplingBenchmark.Settings(batch, samplesPerPrompt, promptLen, newTokens, temperature, topP,
                        topK, seed, repeats);
            } catch (IllegalArgumentException e) {
                throw new UserInputException(e.getMessage());
            }
            double bandwidth = bandwidth(on);
            // The KV cache holds the compute dtype: bf16 on CUDA (fp32 weights excepted), fp32 on CPU.
            int kvBytes = on == Device.CUDA && model.weightMode() != WeightMode.FP32 ? 2 : 4;
            SamplingBenchmark.Result r = SamplingBenchmark.run(model, settings, bandwidth, kvBytes,
                    line -> System.err.println("bench: " + line));
            result.put("batch", batch);
            result.put("samples_per_prompt", samplesPerPrompt);
            result.put("prompt_len", promptLen);
            result.put("new_tokens", newTokens);
            result.put("generated_tokens", r.generatedTokens());
            result.put("tokens_per_s", r.tokensPerSecond());
            result.put("prefill_ms", r.prefillSeconds() * 1e3);
            result.put("decode_ms_per_step", r.decodeSecondsPerStep() * 1e3);
            result.put("total_s", r.totalSeconds());
            result.put("device_peak_bytes", r.devicePeakBytes());
            DecodeRoofline roof = r.roofline();
            ObjectNode roofline = result.putObject("roofline");
            roofline.put("bytes_per_decode_step", roof.bytesPerStep());
            roofline.put("weight_bytes", roof.weightBytes());
            roofline.put("lora_bytes", roof.loraBytes());
            roofline.put("kv_cache_bytes", roof.kvCacheBytes());
            roofline.put("bandwidth_bytes_per_s", roof.bandwidthBytesPerSecond());
            roofline.put("ms_per_decode_step", roof.secondsPerStep() * 1e3);
            roofline.put("fraction_of_roofline", r.fractionOfRoofline());
        }

        @Override
        void printSummary(ObjectNode r) {
            JsonNode roof = r.get("roofline");
            System.out.printf("sample %s %s: %,.0f tokens/s (%d x %d new tokens), prefill %.1f ms, decode %.2f ms/step"
                            + " (roofline %.2f ms: %.0f%%), %s%n",
                    r.get("shape").asText(), r.get("weights").asText(), r.get("tokens_per_s").asDouble(), batch, newTokens,
                    r.get("prefill_ms").asDouble(), r.get("decode_ms_per_step").asDouble(), roof.get("ms_per_decode_step").asDouble(),
                    100 * roof.get("fraction_of_roofline").asDouble(), peak(r));
        }
    }

    @Command(name = "train-step", mixinStandardHelpOptions = true,
            description = "The update: log-prob forward + backward + AdamW over B sequences; tokens/s and peak memory.")
    static final class TrainStep extends ModelBench {
        @Option(names = "--batch", defaultValue = "64", description = "Sequences per step (default: ${DEFAULT-VALUE}).")
        int batch;

        @Option(names = "--micro-batch", paramLabel = "M",
                description = "Sequences per forward/backward, gradients accumulated over the batch (default: the batch).")
        Integer microBatch;

        @Option(names = "--prompt-len", defaultValue = "384") int promptLen;
        @Option(names = "--completion-len", defaultValue = "256") int completionLen;
        @Option(names = "--steps", defaultValue = "3", description = "Timed steps; the median is reported (default: ${DEFAULT-VALUE}).")
        int steps;

        @Option(names = "--no-checkpointing", description = "Keep every layer's activations instead of recomputing them.")
        boolean noCheckpointing;

        @Option(names = "--logprob-chunk", defaultValue = "256", paramLabel = "ROWS",
                description = "Rows per chunk of the vocabulary projection (default: ${DEFAULT-VALUE}).")
        int logprobChunk;

        @Override
        void measure(NativeModel model, Device on, ObjectNode result) {
            TrainStepBenchmark.Settings settings;
            try {
                settings = new TrainStepBenchmark.Settings(batch, microBatch == null ? batch : microBatch, promptLen,
                        completionLen, seed, steps);
                if (loraRank <= 0) throw new IllegalArgumentException("the train step updates LoRA adapters: give --lora-rank > 0");
            } catch (IllegalArgumentException e) {
                throw new UserInputException(e.getMessage());
            }
            model.setCheckpointing(!noCheckpointing);
            model.setLogprobChunk(logprobChunk);
            TrainStepBenchmark.Result r = TrainStepBenchmark.run(model, settings, line -> System.err.println("bench: " + line));
            result.put("batch", batch);
            result.put("micro_batch", settings.microBatch());
            result.put("prompt_len", promptLen);
            result.put("completion_len", completionLen);
            result.put("checkpointing", !noCheckpointing);
            result.put("tokens_per_step", r.tokensPerStep());
            result.put("tokens_per_s", r.tokensPerSecond());
            result.put("completion_tokens_per_s", r.completionTokensPerSecond());
            result.put("step_s", r.stepSeconds());
            result.put("forward_s", r.forwardSeconds());
            result.put("backward_s", r.backwardSeconds());
            result.put("optimizer_s", r.optimizerSeconds());
            result.put("device_peak_bytes", r.devicePeakBytes());
        }

        @Override
        void printSummary(ObjectNode r) {
            System.out.printf("train-step %s %s: %,.0f tokens/s (%d x %d tokens in %.3f s: forward %.3f, backward %.3f,"
                            + " AdamW %.3f), %s%n",
                    r.get("shape").asText(), r.get("weights").asText(), r.get("tokens_per_s").asDouble(), batch,
                    promptLen + completionLen, r.get("step_s").asDouble(), r.get("forward_s").asDouble(),
                    r.get("backward_s").asDouble(), r.get("optimizer_s").asDouble(), peak(r));
        }
    }

    @Command(name = "grpo-step", mixinStandardHelpOptions = true,
            description = "Whole GRPO steps as the trainer runs them (sample, reward on the demo's company database,"
                    + " reference, update): seconds per step and its split.")
    static final class GrpoStep extends ModelBench {
        @Option(names = "--prompts", defaultValue = "8", description = "Prompts per step (default: ${DEFAULT-VALUE}).")
        int prompts;

        @Option(names = "--samples-per-prompt", defaultValue = "8", paramLabel = "K",
                description = "Completions per prompt, GRPO's group (default: ${DEFAULT-VALUE}).")
        int samplesPerPrompt;

        @Option(names = "--prompt-len", defaultValue = "384") int promptLen;
        @Option(names = "--new-tokens", defaultValue = "256", description = "grpo.max_completion_length (default: ${DEFAULT-VALUE}).")
        int newTokens;

        @Option(names = "--micro-batch", defaultValue = "8", paramLabel = "M",
                description = "Completions per forward/backward of the update (default: ${DEFAULT-VALUE}); one update per step.")
        int microBatch;

        @Option(names = "--beta", defaultValue = "0.04",
                description = "KL weight; > 0 adds the reference pass (default: ${DEFAULT-VALUE}).")
        double beta;

        @Option(names = "--steps", defaultValue = "2", description = "Timed steps; the median is reported (default: ${DEFAULT-VALUE}).")
        int steps;

        @Option(names = "--set", paramLabel = "KEY=VALUE",
                description = "Any other key of the run config (the built-in demo_cpu.yaml), e.g. --set grpo.loss_type=grpo.")
        List<String> overrides = new ArrayList<>();

        @Override
        void measure(NativeModel model, Device on, ObjectNode result) {
            int completions = prompts * samplesPerPrompt;
            if (loraRank <= 0) throw new UserInputException("GRPO trains LoRA adapters: give --lora-rank > 0");
            if (steps <= 0) throw new UserInputException("--steps must be > 0, got " + steps);
            if (promptLen <= 0) throw new UserInputException("--prompt-len must be > 0, got " + promptLen);
            if (microBatch <= 0 || completions % microBatch != 0) {
                throw new UserInputException("--micro-batch (" + microBatch + ") must divide the " + completions
                        + " completions of a step");
            }
            Path work;
            try {
                work = Files.createTempDirectory("sqlrl-bench-grpo");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            try {
                CompanyDataset.Written data = CompanyDataset.write(work.resolve("data"), seed);
                // The tokenizer only turns completions into text for the reward; the tiny model's suits the data.
                ModelInitializer.create(new ModelInitializer.Options(ModelConfig.Architecture.QWEN2, ModelSize.TINY,
                        work.resolve("tokenizer"), data.tokenizerCorpus(), CpuDemo.TOKENIZER_VOCAB, seed));
                List<String> keys = new ArrayList<>(List.of(
                        "model.path=" + work.resolve("tokenizer"), "data.path=" + work.resolve("data"),
                        "output_dir=" + work, "seed=" + seed, "model.gradient_checkpointing=true",
                        "lora.rank=" + loraRank, "lora.alpha=" + 2 * loraRank, "lora.dropout=0.0",
                        "grpo.prompts_per_step=" + prompts, "grpo.num_generations=" + samplesPerPrompt,
                        "grpo.max_completion_length=" + newTokens, "grpo.micro_batch_size=" + microBatch,
                        "grpo.grad_accumulation=" + completions / microBatch, "grpo.beta=" + beta,
                        "grpo.num_iterations=1"));
                keys.addAll(overrides);
                RunConfig config = RunConfigs.parse(CpuDemo.bundledConfigYaml(), "demo_cpu.yaml (built in) for bench grpo-step",
                        work, keys);
                try (Policy policy = Policy.around(config, model)) {
                    GrpoStepBenchmark.Result r = GrpoStepBenchmark.run(policy, config, promptLen, steps,
                            line -> System.err.println("bench: " + line));
                    result.put("prompts", prompts);
                    result.put("samples_per_prompt", samplesPerPrompt);
                    result.put("prompt_len", promptLen);
                    result.put("new_tokens", newTokens);
                    result.put("micro_batch", microBatch);
                    result.put("beta", beta);
                    result.put("loss_type", config.grpo().lossType().name().toLowerCase(Locale.ROOT));
                    result.put("completions", r.completions());
                    result.put("completion_tokens", r.completionTokens());
                    result.put("step_s", r.stepSeconds());
                    result.put("sample_s", r.sampleSeconds());
                    result.put("reward_s", r.rewardSeconds());
                    result.put("reference_s", r.referenceSeconds());
                    result.put("update_s", r.updateSeconds());
                    result.put("device_peak_bytes", model.memory().devicePeak());
                }
            } finally {
                deleteTree(work);
            }
        }

        @Override
        void printSummary(ObjectNode r) {
            System.out.printf("grpo-step %s %s: %.2f s per step of %d completions (%d tokens): sample %.2f, reward %.2f,"
                            + " reference %.2f, update %.2f; %s%n",
                    r.get("shape").asText(), r.get("weights").asText(), r.get("step_s").asDouble(), r.get("completions").asInt(),
                    r.get("completion_tokens").asLong(), r.get("sample_s").asDouble(), r.get("reward_s").asDouble(),
                    r.get("reference_s").asDouble(), r.get("update_s").asDouble(), peak(r));
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("bench: could not remove " + dir + ": " + e.getMessage());
        }
    }

    static double bandwidth(Device on) {
        // 1 GiB on a GPU (well past its L2), 256 MiB on a CPU (past its caches, cheap to allocate).
        long bytes = on == Device.CUDA ? 1L << 30 : 1L << 28;
        return NativeRuntime.copyBandwidth(on, bytes, on == Device.CUDA ? 20 : 5);
    }

    /** The device's peak where the allocator tells it (CUDA), else the process's peak resident memory. */
    static String peak(ObjectNode r) {
        long device = r.get("device_peak_bytes").asLong();
        return device >= 0 ? String.format("device peak %.2f GiB", device / GIB)
                : String.format("process peak RSS %.2f GiB", r.get("process_peak_rss_bytes").asLong() / GIB);
    }
}
