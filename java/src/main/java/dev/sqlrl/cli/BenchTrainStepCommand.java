package dev.sqlrl.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sqlrl.UserInputException;
import dev.sqlrl.dist.DistributedEnv;
import dev.sqlrl.dist.ProcessGroup;
import dev.sqlrl.dist.RankLauncher;
import dev.sqlrl.dist.SelfCommand;
import dev.sqlrl.train.DataParallel;
import dev.sqlrl.train.ProcessGroupRanks;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import dev.sqlrl.model.Device;
import dev.sqlrl.model.NativeModel;
import dev.sqlrl.perf.TrainStepBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sqlrl bench train-step}: the update (log-prob forward + backward + AdamW) in tokens/s. */
@Command(
        footer = {"",
        "Example:",
        "  sqlrl bench train-step --shape qwen2.5-7b --device cuda --json",
        "  sqlrl bench train-step --shape tiny --device cpu --nproc-per-node 2   (one process, then 2 data-parallel ranks)"},
        name = "train-step", mixinStandardHelpOptions = true,
        description = "The update: log-prob forward + backward + AdamW over B sequences; tokens/s and peak memory.")
final class BenchTrainStepCommand extends ModelBenchCommand {
    @Option(names = "--batch", defaultValue = "64", description = "Sequences per step (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--micro-batch", paramLabel = "M",
            description = "Sequences per forward/backward, gradients accumulated over the batch (default: the batch).")
    Integer microBatch;

    @Option(names = "--prompt-len", defaultValue = "384", paramLabel = "N",
            description = "Prompt tokens of each sequence (no loss on them) (default: ${DEFAULT-VALUE}).")
    int promptLen;

    @Option(names = "--completion-len", defaultValue = "256", paramLabel = "N",
            description = "Completion tokens of each sequence, whose log-probs are trained (default: ${DEFAULT-VALUE}).")
    int completionLen;
    @Option(names = "--steps", defaultValue = "3", description = "Timed steps; the median is reported (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--no-checkpointing", description = "Keep every layer's activations instead of recomputing them.")
    boolean noCheckpointing;

    @Option(names = "--logprob-chunk", defaultValue = "256", paramLabel = "ROWS",
            description = "Rows per chunk of the vocabulary projection (default: ${DEFAULT-VALUE}).")
    int logprobChunk;

    @Option(names = "--nproc-per-node", defaultValue = "1", paramLabel = "N",
            description = "Also run the step on N data-parallel ranks of this machine (the batch split over them, the "
                    + "gradients all-reduced by c10d) and report them beside the one-process figure (default: ${DEFAULT-VALUE}).")
    int nprocPerNode;

    /** Where rank 0 of a data-parallel measurement writes its result for the process that launched the ranks. */
    @Option(names = "--data-parallel-result", hidden = true, paramLabel = "FILE",
            description = "Internal: where rank 0 of --nproc-per-node writes its result (default: none).")
    Path dataParallelResult;

    @Override
    void measure(NativeModel model, Device on, ObjectNode result) {
        if (nprocPerNode < 1) throw new UserInputException("--nproc-per-node must be >= 1, got " + nprocPerNode);
        DistributedEnv env = DistributedEnv.current();
        if (env.isDistributed()) {
            measureAsRank(model, on, env, result);
            return;
        }
        measureHere(model, result, DataParallel.single());
        if (nprocPerNode > 1) result.set("data_parallel", measureOnRanks());
    }

    /** One rank of a data-parallel measurement: its share of the batch, the all-reduce; rank 0 reports. */
    private void measureAsRank(NativeModel model, Device on, DistributedEnv env, ObjectNode mine) {
        if (dataParallelResult == null) {
            throw new UserInputException("bench train-step under a launcher: start it with --nproc-per-node N instead");
        }
        var backend = on == Device.CUDA ? dev.sqlrl.config.DistributedBackend.NCCL : dev.sqlrl.config.DistributedBackend.GLOO;
        try (ProcessGroup group = ProcessGroup.join(env.rank(), env.worldSize(), env.masterAddr(), env.masterPort(),
                env.hostsStore(), backend, Duration.ofMinutes(10), ProcessGroup.DEFAULT_BUCKET_BYTES);
             DataParallel ranks = ProcessGroupRanks.over(group)) {
            ranks.copyAdaptersFromLeader(model);
            measureHere(model, mine, ranks);
        }
        mine.put("ranks", env.worldSize());
        if (env.isRankZero()) {
            try {
                Files.writeString(dataParallelResult, mine.toString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Runs this command again on nprocPerNode ranks and reads rank 0's result. */
    private ObjectNode measureOnRanks() {
        try {
            Path file = Files.createTempFile("sqlrl-bench-", ".json");
            try {
                List<String> args = new ArrayList<>(SelfCommand.withoutOption(
                        spec.root().commandLine().getParseResult().originalArgs(), "--nproc-per-node"));
                args.remove("--json");
                args.addAll(List.of("--data-parallel-result", file.toString()));
                System.err.printf("bench: the same step on %d data-parallel ranks%n", nprocPerNode);
                int code = new RankLauncher(SelfCommand.of(Main.class.getName(), args), nprocPerNode, System.err,
                        System.err, RankLauncher.DEFAULT_STOP_GRACE).run();
                if (code != 0) throw new UserInputException("the data-parallel ranks failed (exit " + code + "); see above");
                return (ObjectNode) JSON.readTree(Files.readString(file));
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void measureHere(NativeModel model, ObjectNode result, DataParallel ranks) {
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
        TrainStepBenchmark.Result r = TrainStepBenchmark.run(model, settings, line -> System.err.println("bench: " + line),
                ranks);
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
        result.put("all_reduce_s", r.allReduceSeconds());
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
        if (r.has("data_parallel")) {
            ObjectNode dp = (ObjectNode) r.get("data_parallel");
            System.out.printf("train-step on %d data-parallel ranks: %,.0f tokens/s (the same %d sequences in %.3f s: "
                            + "forward %.3f, backward %.3f, all-reduce %.3f, AdamW %.3f per rank)%n", dp.get("ranks").asInt(),
                    dp.get("tokens_per_s").asDouble(), batch, dp.get("step_s").asDouble(), dp.get("forward_s").asDouble(),
                    dp.get("backward_s").asDouble(), dp.get("all_reduce_s").asDouble(), dp.get("optimizer_s").asDouble());
        }
    }
}
