package dev.sqlrl.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sqlrl.UserInputException;
import dev.sqlrl.model.DecodeStep;
import dev.sqlrl.model.Device;
import dev.sqlrl.model.NativeModel;
import dev.sqlrl.model.NativeRuntime;
import dev.sqlrl.model.WeightMode;
import dev.sqlrl.perf.HfBaseline;
import dev.sqlrl.perf.ModelShape;
import dev.sqlrl.perf.ProcessMemory;
import dev.sqlrl.perf.RandomModels;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** A `sqlrl bench` subcommand: the random-weight model every benchmark builds, and how results are printed. */
abstract class ModelBenchCommand implements Callable<Integer> {
    static final ObjectMapper JSON = new ObjectMapper();
    static final double GIB = 1024.0 * 1024 * 1024;

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

    @Option(names = "--dense-sampling",
            description = "Hold the base weights dequantized while sampling (model.dense_sampling): faster decode, more memory.")
    boolean denseSampling;

    @Option(names = "--cuda-graphs",
            description = "Record the decode step once per generate call as a CUDA graph and replay it (CUDA only;"
                    + " experimental until measured on a GPU).")
    boolean cudaGraphs;

    @Option(names = "--decode-step", defaultValue = "auto", paramLabel = "STEP",
            description = "fused (norms, RoPE + K/V store, attention, SwiGLU gate one call each; a prompt's samples read"
                    + " its one prefill), plain (the tensor-op step, the cache copied per sample) or auto: fused on the CPU,"
                    + " plain on CUDA until the fused CUDA kernels are verified (default: ${DEFAULT-VALUE}).")
    String decodeStep;

    /** Whether the fused decode step runs (--decode-step as resolved on the device); set before measure. */
    boolean fusedDecode;

    @Option(names = "--tensor-core-gemm",
            description = "NF4 on CUDA: decode batches of 17..64 rows through the tensor-core NF4 GEMM instead of"
                    + " dequantize + cuBLAS (experimental until measured on a GPU).")
    boolean tensorCoreGemm;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S",
            description = "Seed of the random weights and the sampler (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--threads", defaultValue = "0", description = "CPU threads for native math; 0 is the library default (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--json", description = "Print the result as one JSON object on the last line.")
    boolean json;

    @Override
    public final Integer call() {
        ModelShape modelShape = ModelShape.parse(shape);
        Device on = Device.parse(device);
        WeightMode mode = WeightMode.parse(weights);
        if (threads > 0) NativeRuntime.setThreads(threads);
        if (doubleQuant && mode != WeightMode.NF4) throw new UserInputException("--double-quant needs --weights nf4");
        ObjectNode result = JSON.createObjectNode();
        result.put("benchmark", spec.name());
        result.put("date", Instant.now().toString());
        result.put("native", NativeRuntime.version());
        result.put("shape", modelShape.id);
        result.put("weights", mode.name().toLowerCase(Locale.ROOT) + (doubleQuant ? "+dq" : ""));
        result.put("device", on.name().toLowerCase(Locale.ROOT));
        result.put("lora_rank", loraRank);
        result.put("dense_sampling", denseSampling);
        result.put("cuda_graphs", cudaGraphs);
        DecodeStep step = DecodeStep.parse(decodeStep, "--decode-step");
        result.put("tensor_core_gemm", tensorCoreGemm);
        // a data-parallel rank (bench train-step --nproc-per-node) measures on its own GPU
        var env = dev.sqlrl.dist.DistributedEnv.current();
        if (env.isDistributed() && on == Device.CUDA) NativeRuntime.setCudaDevice(env.localRank());
        long start = System.nanoTime();
        try (NativeModel model = RandomModels.create(modelShape, mode, on, doubleQuant, loraRank, seed)) {
            model.setDenseSampling(denseSampling);
            model.setCudaGraphs(cudaGraphs);
            model.setDecodeStep(step);
            fusedDecode = model.decodeStepUsed() == DecodeStep.FUSED;
            result.put("decode_step", fusedDecode ? "fused" : "plain");  // the step that runs
            model.setTensorCoreGemm(tensorCoreGemm);
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
