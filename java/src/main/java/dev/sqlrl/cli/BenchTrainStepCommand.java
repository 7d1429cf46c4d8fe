package dev.sqlrl.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sqlrl.UserInputException;
import dev.sqlrl.model.Device;
import dev.sqlrl.model.NativeModel;
import dev.sqlrl.perf.TrainStepBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sqlrl bench train-step}: the update (log-prob forward + backward + AdamW) in tokens/s. */
@Command(
        footer = {"",
        "Example:",
        "  sqlrl bench train-step --shape qwen2.5-7b --device cuda --json"},
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
