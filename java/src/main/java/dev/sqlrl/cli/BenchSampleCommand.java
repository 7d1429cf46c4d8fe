package dev.sqlrl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sqlrl.UserInputException;
import dev.sqlrl.model.Device;
import dev.sqlrl.model.NativeModel;
import dev.sqlrl.model.WeightMode;
import dev.sqlrl.perf.DecodeRoofline;
import dev.sqlrl.perf.SamplingBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sqlrl bench sample}: batched sampling throughput and its decode roofline. */
@Command(
        footer = {"",
        "Example:",
        "  sqlrl bench sample --shape tiny --device cpu --batch 8 --prompt-len 32 --new-tokens 16"},
        name = "sample", mixinStandardHelpOptions = true,
        description = "Batched sampling: prefill time, ms per decode step, tokens/s, peak memory and the decode roofline.")
final class BenchSampleCommand extends ModelBenchCommand {
    @Option(names = "--batch", defaultValue = "64", description = "Rows sampled together (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--samples-per-prompt", defaultValue = "1", paramLabel = "K",
            description = "Rows per prompt sharing its prefill, as GRPO's groups (default: ${DEFAULT-VALUE}).")
    int samplesPerPrompt;

    @Option(names = "--prompt-len", defaultValue = "384", paramLabel = "N",
            description = "Tokens of each (random) prompt, prefilled once (default: ${DEFAULT-VALUE}).")
    int promptLen;

    @Option(names = "--new-tokens", defaultValue = "256", paramLabel = "N",
            description = "Tokens generated per row; stop ids are off so that every row runs to N (default: ${DEFAULT-VALUE}).")
    int newTokens;

    @Mixin
    SamplingOptions sampling;

    @Option(names = "--repeats", defaultValue = "3", description = "Timed runs; the median is reported (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Override
    void measure(NativeModel model, Device on, ObjectNode result) {
        SamplingBenchmark.Settings settings;
        try {
            settings = new SamplingBenchmark.Settings(batch, samplesPerPrompt, promptLen, newTokens, sampling.temperature,
                    sampling.topP, sampling.topK, seed, repeats);
        } catch (IllegalArgumentException e) {
            throw new UserInputException(e.getMessage());
        }
        double bandwidth = bandwidth(on);
        // The KV cache holds the compute dtype: bf16 on CUDA (fp32 weights excepted), fp32 on CPU.
        int kvBytes = on == Device.CUDA && model.weightMode() != WeightMode.FP32 ? 2 : 4;
        SamplingBenchmark.Result r = SamplingBenchmark.run(model, settings, bandwidth, kvBytes, fusedDecode,
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
        result.put("layers", model.config().numLayers());
        result.put("aten_ops_per_decode_step", r.opsPerDecodeStep());
        result.put("aten_ops_per_layer", (double) r.opsPerDecodeStep() / model.config().numLayers());
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
        System.out.printf("sample %s %s, %s decode step: %,.0f tokens/s (%d x %d new tokens), prefill %.1f ms, decode"
                        + " %.2f ms/step (roofline %.2f ms: %.0f%%), %,d operators per step (%.0f per layer), %s%n",
                r.get("shape").asText(), r.get("weights").asText(), r.get("decode_step").asText(),
                r.get("tokens_per_s").asDouble(), batch, newTokens,
                r.get("prefill_ms").asDouble(), r.get("decode_ms_per_step").asDouble(), roof.get("ms_per_decode_step").asDouble(),
                100 * roof.get("fraction_of_roofline").asDouble(), r.get("aten_ops_per_decode_step").asLong(),
                r.get("aten_ops_per_layer").asDouble(), peak(r));
    }
}
