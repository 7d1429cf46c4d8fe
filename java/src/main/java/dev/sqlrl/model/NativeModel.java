package dev.sqlrl.model;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.sqlrl.UserInputException;
import dev.sqlrl.bindings.SqlrlNative;
import dev.sqlrl.model.safetensors.TensorDtype;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * The native model behind a Java API. Not thread-safe: one thread uses a model at a time.
 * Closing frees the native memory; calls after close fail.
 */
public final class NativeModel implements AutoCloseable {
    private final ModelConfig config;
    private final WeightMode weightMode;
    private MemorySegment handle;
    // The model's own session: the one its logprobs / backward / generate run on.
    private final ModelSession session;
    private List<LoraTensor> loraTensors = List.of();

    /** A LoRA tensor as the native model names it (Hugging Face module path + lora_A/lora_B). */
    public record LoraTensor(int index, String name, long rows, long cols) {
        public long elementCount() {
            return rows * cols;
        }
    }

    /** Which buffer of a LoRA tensor to read or write. */
    public enum LoraBuffer {
        VALUE(SqlrlNative.LORA_VALUE), GRAD(SqlrlNative.LORA_GRAD), ADAM_M(SqlrlNative.LORA_ADAM_M), ADAM_V(SqlrlNative.LORA_ADAM_V);

        final int code;

        LoraBuffer(int code) {
            this.code = code;
        }
    }

    public record MemoryStats(long weightBytes, long loraBytes, long deviceAllocated, long devicePeak) {}

    /** Creates an empty native model; weights are uploaded with {@link #setWeight}, then {@link #finalizeWeights}. */
    public static NativeModel create(ModelConfig c, WeightMode mode, Device device, boolean doubleQuant) {
        if (device == Device.CUDA && !NativeRuntime.cudaAvailable()) {
            throw new UserInputException("device cuda was asked for, but this libsqlrl (" + NativeRuntime.version()
                    + ") sees no CUDA device: build it against a CUDA libtorch (benchmarks/README.md) or run on cpu"
                    + " (--device cpu, or --set model.device=cpu for training)");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            MemorySegment params = SqlrlNative.ModelParams.allocate(arena);
            SqlrlNative.modelParamsInit(params);
            SqlrlNative.ModelParams.arch(params, c.architecture().nativeCode);
            SqlrlNative.ModelParams.vocabSize(params, c.vocabSize());
            SqlrlNative.ModelParams.hiddenSize(params, c.hiddenSize());
            SqlrlNative.ModelParams.intermediateSize(params, c.intermediateSize());
            SqlrlNative.ModelParams.numLayers(params, c.numLayers());
            SqlrlNative.ModelParams.numHeads(params, c.numHeads());
            SqlrlNative.ModelParams.numKvHeads(params, c.numKvHeads());
            SqlrlNative.ModelParams.headDim(params, c.headDim());
            SqlrlNative.ModelParams.ropeTheta(params, c.ropeTheta());
            SqlrlNative.ModelParams.rmsNormEps(params, c.rmsNormEps());
            SqlrlNative.ModelParams.tieWordEmbeddings(params, c.tieWordEmbeddings() ? 1 : 0);
            SqlrlNative.ModelParams.weightMode(params, mode.code);
            SqlrlNative.ModelParams.device(params, device.code);
            check("sqlrl_model_create", SqlrlNative.modelCreate(params, out));
            NativeModel model = new NativeModel(c, mode, out.get(ADDRESS, 0));
            RopeScaling rope = c.ropeScaling();
            if (rope != null) {
                model.call("sqlrl_model_set_rope_llama3", SqlrlNative.modelSetRopeLlama3(model.handle, rope.factor(),
                        rope.lowFreqFactor(), rope.highFreqFactor(), rope.originalMaxPositionEmbeddings()));
            }
            if (c.slidingWindow() > 0) {
                model.call("sqlrl_model_set_sliding_window", SqlrlNative.modelSetSlidingWindow(model.handle, c.slidingWindow()));
            }
            if (doubleQuant) model.call("sqlrl_model_set_double_quant", SqlrlNative.modelSetDoubleQuant(model.handle, 1));
            return model;
        }
    }

    private NativeModel(ModelConfig config, WeightMode weightMode, MemorySegment handle) {
        this.config = config;
        this.weightMode = weightMode;
        this.handle = handle;
        this.session = ModelSession.open(this, handle);
    }

    public ModelConfig config() {
        return config;
    }

    public WeightMode weightMode() {
        return weightMode;
    }

    public void setWeight(String name, MemorySegment data, TensorDtype dtype, long[] shape) {
        int code = switch (dtype) {
            case F32 -> SqlrlNative.DTYPE_F32;
            case BF16 -> SqlrlNative.DTYPE_BF16;
            case F16 -> SqlrlNative.DTYPE_F16;
            default -> throw new InvalidNativeArgumentException("tensor '" + name + "' has dtype " + dtype
                    + "; model weights must be F32, BF16 or F16");
        };
        try (Arena arena = Arena.ofConfined()) {
            call("sqlrl_model_set_weight", SqlrlNative.modelSetWeight(live(), arena.allocateFrom(name), data, code,
                    arena.allocateFrom(JAVA_LONG, shape), shape.length));
        }
    }

    /**
     * A decoder linear's weight already in the bitsandbytes 4-bit layout: codes (two per byte, first in the high
     * nibble), fp32 absmax per block, the file's 16-value code book (must be NF4's); see sqlrl_model_set_nf4_weight.
     */
    public void setNf4Weight(String name, MemorySegment codes, float[] absmax, float[] codeBook, int blockSize, long[] shape) {
        try (Arena arena = Arena.ofConfined()) {
            call("sqlrl_model_set_nf4_weight", SqlrlNative.modelSetNf4Weight(live(), arena.allocateFrom(name), codes,
                    arena.allocateFrom(JAVA_FLOAT, absmax), arena.allocateFrom(JAVA_FLOAT, codeBook), blockSize,
                    arena.allocateFrom(JAVA_LONG, shape), shape.length));
        }
    }

    public void finalizeWeights() {
        call("sqlrl_model_finalize", SqlrlNative.modelFinalize(live()));
    }

    /** Benchmarks: every weight random, made on the model's device (see sqlrl_model_finalize_random). */
    public void finalizeRandomWeights(long seed) {
        call("sqlrl_model_finalize_random", SqlrlNative.modelFinalizeRandom(live(), seed));
    }

    public void setCheckpointing(boolean enabled) {
        call("sqlrl_model_set_checkpointing", SqlrlNative.modelSetCheckpointing(live(), enabled ? 1 : 0));
    }

    /** Hold dense copies of the base weights during each generate call (see sqlrl_model_set_dense_sampling). */
    public void setDenseSampling(boolean enabled) {
        setDenseSampling(enabled ? DenseSampling.ON : DenseSampling.OFF);
    }

    public void setDenseSampling(DenseSampling mode) {
        call("sqlrl_model_set_dense_sampling", SqlrlNative.modelSetDenseSampling(live(), mode.code));
    }

    /** Record each generate call's decode step once as a CUDA graph and replay it (see sqlrl_model_set_cuda_graphs). */
    public void setCudaGraphs(boolean enabled) {
        call("sqlrl_model_set_cuda_graphs", SqlrlNative.modelSetCudaGraphs(live(), enabled ? 1 : 0));
    }

    /** Which decode step generate runs (see sqlrl_model_set_decode_step). */
    public void setDecodeStep(DecodeStep step) {
        call("sqlrl_model_set_decode_step", SqlrlNative.modelSetDecodeStep(live(), step.code));
    }

    /** The step generate runs with the current setting (FUSED or PLAIN: AUTO resolved by libsqlrl for the device). */
    public DecodeStep decodeStepUsed() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_INT);
            call("sqlrl_model_decode_step_used", SqlrlNative.modelDecodeStepUsed(live(), out));
            return DecodeStep.of(out.get(JAVA_INT, 0));
        }
    }

    /** NF4 decode batches of 17..64 rows through the tensor-core GEMM (experimental; see sqlrl_model_set_tensor_core_gemm). */
    public void setTensorCoreGemm(boolean enabled) {
        call("sqlrl_model_set_tensor_core_gemm", SqlrlNative.modelSetTensorCoreGemm(live(), enabled ? 1 : 0));
    }

    public void setLogprobChunk(int rows) {
        call("sqlrl_model_set_logprob_chunk", SqlrlNative.modelSetLogprobChunk(live(), rows));
    }

    /** Logits at every position of each sequence: result[i] is [len_i * vocab], row-major. */
    public float[][] logits(int[][] sequences, boolean useAdapters) {
        try (Arena arena = Arena.ofConfined()) {
            PackedSequences p = PackedSequences.of(arena, sequences);
            long vocab = config.vocabSize();
            MemorySegment out = arena.allocate(JAVA_FLOAT, p.total() * vocab);
            call("sqlrl_forward_logits", SqlrlNative.forwardLogits(live(), p.tokens(), p.lens(), sequences.length,
                    useAdapters ? 1 : 0, out));
            float[][] result = new float[sequences.length][];
            long offset = 0;
            for (int i = 0; i < sequences.length; i++) {
                result[i] = out.asSlice(offset * vocab * 4, sequences[i].length * vocab * 4).toArray(JAVA_FLOAT);
                offset += sequences[i].length;
            }
            return result;
        }
    }

    /**
     * Log-probs of each sequence's completion tokens (positions promptLens[i]..end), on this model's own session. With
     * keepGraph the session keeps what {@link #backward} needs.
     */
    public float[][] logprobs(int[][] sequences, int[] promptLens, boolean useAdapters, double temperature,
                              boolean keepGraph) {
        return session.logprobs(sequences, promptLens, useAdapters, temperature, keepGraph);
    }

    /** Backpropagates d loss / d logprob (shaped like the pending logprobs result) into the LoRA gradients. */
    public void backward(float[][] gradLogprobs) {
        session.backward(gradLogprobs);
    }

    /** Samples params.numSamples() completions per prompt; result[p * numSamples + s]. */
    public List<Completion> generate(int[][] prompts, SamplingParams params, boolean useAdapters) {
        return session.generate(prompts, params, useAdapters, null);
    }

    /**
     * As above, each prompt's samples drawn from a stream of its own keyed by promptSeeds[p]: the same completions
     * whatever other prompts share the call (see {@link ModelSession#generate(int[][], SamplingParams, boolean,
     * StepListener, long[])}).
     */
    public List<Completion> generate(int[][] prompts, SamplingParams params, boolean useAdapters, long[] promptSeeds) {
        return session.generate(prompts, params, useAdapters, null, promptSeeds);
    }

    /** As above; `listener` (nullable) is told each step's tokens while the call runs, and may end it early. */
    public List<Completion> generate(int[][] prompts, SamplingParams params, boolean useAdapters, StepListener listener) {
        return session.generate(prompts, params, useAdapters, listener);
    }

    /**
     * A further session of this model (see sqlrl_session in sqlrl.h): its own pending graph, dropout seed and step
     * listener, sharing these weights and adapters. For a second user of one model, such as a server beside a trainer;
     * calls on the model and all its sessions must still come from one thread at a time. The caller closes it.
     */
    public ModelSession openSession() {
        return ModelSession.open(this, live());
    }

    /** Attaches fresh adapters (A Kaiming-uniform from seed, B zero), replacing any attached. */
    public void attachLora(LoraConfig lora, long seed) {
        call("sqlrl_lora_attach", SqlrlNative.loraAttach(live(), lora.rank(), lora.alpha(), LoraTarget.mask(lora.targets()),
                lora.dropout(), SqlrlNative.DTYPE_F32, seed));
        loraTensors = readLoraTensors();
    }

    public void setLoraEnabled(boolean enabled) {
        call("sqlrl_lora_set_enabled", SqlrlNative.loraSetEnabled(live(), enabled ? 1 : 0));
    }

    public List<LoraTensor> loraTensors() {
        return loraTensors;
    }

    public LoraTensor loraTensor(String name) {
        for (LoraTensor t : loraTensors) if (t.name().equals(name)) return t;
        throw new InvalidNativeArgumentException("the model has no LoRA tensor '" + name + "'");
    }

    private List<LoraTensor> readLoraTensors() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment count = arena.allocate(JAVA_INT);
            call("sqlrl_lora_count", SqlrlNative.loraCount(live(), count));
            int n = count.get(JAVA_INT, 0);
            MemorySegment name = arena.allocate(JAVA_BYTE, 512);
            MemorySegment shape = arena.allocate(JAVA_LONG, 2);
            List<LoraTensor> tensors = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                call("sqlrl_lora_info", SqlrlNative.loraInfo(live(), i, name, 512, shape));
                tensors.add(new LoraTensor(i, name.getString(0), shape.getAtIndex(JAVA_LONG, 0), shape.getAtIndex(JAVA_LONG, 1)));
            }
            return List.copyOf(tensors);
        }
    }

    public float[] readLora(LoraTensor t, LoraBuffer which) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_FLOAT, t.elementCount());
            call("sqlrl_lora_read", SqlrlNative.loraRead(live(), t.index(), which.code, out, t.elementCount()));
            return out.toArray(JAVA_FLOAT);
        }
    }

    public void writeLora(LoraTensor t, LoraBuffer which, float[] values) {
        if (values.length != t.elementCount()) {
            throw new InvalidNativeArgumentException("LoRA tensor '" + t.name() + "' has " + t.elementCount()
                    + " values [" + t.rows() + ", " + t.cols() + "], got " + values.length);
        }
        try (Arena arena = Arena.ofConfined()) {
            call("sqlrl_lora_write", SqlrlNative.loraWrite(live(), t.index(), which.code,
                    arena.allocateFrom(JAVA_FLOAT, values), values.length));
        }
    }

    public void zeroGrad() {
        call("sqlrl_zero_grad", SqlrlNative.zeroGrad(live()));
    }

    /** Seeds the LoRA dropout masks of this model's own session's next training log-prob passes (for exact resume). */
    public void setDropoutSeed(long seed) {
        session.setDropoutSeed(seed);
    }

    /** Clips the gradient norm and takes one AdamW step; returns the norm before clipping. */
    public double adamwStep(double lr, double beta1, double beta2, double eps, double weightDecay,
                            double maxGradNorm, long step) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment norm = arena.allocate(JAVA_DOUBLE);
            call("sqlrl_adamw_step", SqlrlNative.adamwStep(live(), lr, beta1, beta2, eps, weightDecay, maxGradNorm, step, norm));
            return norm.get(JAVA_DOUBLE, 0);
        }
    }

    public MemoryStats memory() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_LONG, SqlrlNative.MEM_COUNT);
            call("sqlrl_memory_stats", SqlrlNative.memoryStats(live(), out));
            return new MemoryStats(out.getAtIndex(JAVA_LONG, SqlrlNative.MEM_WEIGHT_BYTES),
                    out.getAtIndex(JAVA_LONG, SqlrlNative.MEM_LORA_BYTES),
                    out.getAtIndex(JAVA_LONG, SqlrlNative.MEM_DEVICE_ALLOCATED),
                    out.getAtIndex(JAVA_LONG, SqlrlNative.MEM_DEVICE_PEAK));
        }
    }

    @Override
    public void close() {
        if (handle != null) {
            session.close();
            SqlrlNative.modelFree(handle);
            handle = null;
        }
    }

    /** The native handle, for the calls of other packages that take a model (dev.sqlrl.dist's collectives). */
    public MemorySegment nativeHandle() {
        return live();
    }

    private MemorySegment live() {
        if (handle == null) throw new IllegalStateException("the model is closed");
        return handle;
    }

    private void call(String function, int status) {
        check(function, status);
    }

    /** Turns a native status into an exception carrying the library's message. */
    public static void check(String function, int status) {
        if (status == SqlrlNative.OK) return;
        String message = SqlrlNative.lastError();
        if (status == SqlrlNative.ERR_INVALID_ARGUMENT) throw new InvalidNativeArgumentException(message);
        throw new NativeException(function, status, message);
    }
}
