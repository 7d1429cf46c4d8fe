package dev.sqlrl.model;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.sqlrl.bindings.SqlrlNative;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * One user's state on a {@link NativeModel} (sqlrl_session in sqlrl.h): the pending graph between {@link #logprobs}
 * with keepGraph and {@link #backward}, the LoRA dropout seed and the step listener of {@link #generate}. The weights
 * and adapters are the model's, shared by its sessions. Not thread-safe, and calls on a model's sessions must not
 * overlap.
 */
public final class ModelSession implements AutoCloseable {
    private final NativeModel model;
    private MemorySegment handle;

    private ModelSession(NativeModel model, MemorySegment handle) {
        this.model = model;
        this.handle = handle;
    }

    static ModelSession open(NativeModel model, MemorySegment modelHandle) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            NativeModel.check("sqlrl_session_create", SqlrlNative.sessionCreate(modelHandle, out));
            return new ModelSession(model, out.get(ADDRESS, 0));
        }
    }

    public NativeModel model() {
        return model;
    }

    /**
     * Log-probs of each sequence's completion tokens (positions promptLens[i]..end). With keepGraph
     * the session keeps what {@link #backward} needs (until its backward or its next keepGraph call).
     */
    public float[][] logprobs(int[][] sequences, int[] promptLens, boolean useAdapters, double temperature,
                              boolean keepGraph) {
        if (promptLens.length != sequences.length) {
            throw new IllegalArgumentException(sequences.length + " sequences but " + promptLens.length + " prompt lengths");
        }
        try (Arena arena = Arena.ofConfined()) {
            PackedSequences p = PackedSequences.of(arena, sequences);
            long completionTokens = 0;
            for (int i = 0; i < sequences.length; i++) completionTokens += Math.max(0, sequences[i].length - promptLens[i]);
            MemorySegment out = arena.allocate(JAVA_FLOAT, Math.max(1, completionTokens));
            call("sqlrl_logprobs", SqlrlNative.logprobs(live(), p.tokens(), p.lens(), arena.allocateFrom(JAVA_INT, promptLens),
                    sequences.length, useAdapters ? 1 : 0, temperature, keepGraph ? 1 : 0, out));
            float[][] result = new float[sequences.length][];
            long offset = 0;
            for (int i = 0; i < sequences.length; i++) {
                int n = sequences[i].length - promptLens[i];
                result[i] = out.asSlice(offset * 4, n * 4L).toArray(JAVA_FLOAT);
                offset += n;
            }
            return result;
        }
    }

    /** Backpropagates d loss / d logprob (shaped like the pending logprobs result) into the LoRA gradients. */
    public void backward(float[][] gradLogprobs) {
        try (Arena arena = Arena.ofConfined()) {
            long n = 0;
            for (float[] g : gradLogprobs) n += g.length;
            MemorySegment packed = arena.allocate(JAVA_FLOAT, Math.max(1, n));
            long offset = 0;
            for (float[] g : gradLogprobs) {
                MemorySegment.copy(g, 0, packed, JAVA_FLOAT, offset * 4, g.length);
                offset += g.length;
            }
            call("sqlrl_backward", SqlrlNative.backward(live(), packed, n));
        }
    }

    /**
     * Samples params.numSamples() completions per prompt; result[p * numSamples + s]. `listener` (nullable) is told each
     * step's tokens while the call runs, and may end it early.
     */
    public List<Completion> generate(int[][] prompts, SamplingParams params, boolean useAdapters, StepListener listener) {
        return generate(prompts, params, useAdapters, listener, null);
    }

    /**
     * As above; {@code promptSeeds} (nullable, one per prompt) gives each prompt's samples a stream of their own, so that
     * they do not depend on the other prompts of the call (see sqlrl_generate_params.prompt_seeds); params.seed() is
     * then unused.
     */
    public List<Completion> generate(int[][] prompts, SamplingParams params, boolean useAdapters, StepListener listener,
                                     long[] promptSeeds) {
        if (promptSeeds != null && promptSeeds.length != prompts.length) {
            throw new IllegalArgumentException(prompts.length + " prompts but " + promptSeeds.length + " prompt seeds");
        }
        try (Arena arena = Arena.ofConfined()) {
            StepCallback callback = listener == null ? null : new StepCallback(listener);
            if (callback != null) {
                call("sqlrl_session_set_step_callback", SqlrlNative.sessionSetStepCallback(live(), callback.stub(arena),
                        MemorySegment.NULL));
            }
            try {
                List<Completion> completions = generateNative(arena, prompts, params, useAdapters, promptSeeds);
                if (callback != null) callback.rethrow();
                return completions;
            } finally {
                if (callback != null) {
                    call("sqlrl_session_set_step_callback", SqlrlNative.sessionSetStepCallback(live(), MemorySegment.NULL,
                            MemorySegment.NULL));
                }
            }
        }
    }

    private List<Completion> generateNative(Arena arena, int[][] prompts, SamplingParams params, boolean useAdapters,
                                            long[] promptSeeds) {
        PackedSequences p = PackedSequences.of(arena, prompts);
        int rows = prompts.length * params.numSamples();
        int maxNew = params.maxNewTokens();
        MemorySegment tokens = arena.allocate(JAVA_INT, (long) rows * maxNew);
        MemorySegment logprobs = arena.allocate(JAVA_FLOAT, (long) rows * maxNew);
        MemorySegment lengths = arena.allocate(JAVA_INT, rows);
        int[] stops = params.stopIds().stream().mapToInt(Integer::intValue).toArray();
        MemorySegment stopSeg = stops.length == 0 ? MemorySegment.NULL : arena.allocateFrom(JAVA_INT, stops);
        MemorySegment settings = SqlrlNative.GenerateParams.allocate(arena);
        SqlrlNative.generateParamsInit(settings);
        SqlrlNative.GenerateParams.numSamples(settings, params.numSamples());
        SqlrlNative.GenerateParams.maxNewTokens(settings, maxNew);
        SqlrlNative.GenerateParams.greedy(settings, params.greedy() ? 1 : 0);
        SqlrlNative.GenerateParams.temperature(settings, params.temperature());
        SqlrlNative.GenerateParams.topK(settings, params.topK());
        SqlrlNative.GenerateParams.topP(settings, params.topP());
        SqlrlNative.GenerateParams.seed(settings, params.seed());
        SqlrlNative.GenerateParams.stopIds(settings, stopSeg);
        SqlrlNative.GenerateParams.nStopIds(settings, stops.length);
        SqlrlNative.GenerateParams.useAdapters(settings, useAdapters ? 1 : 0);
        if (promptSeeds != null) SqlrlNative.GenerateParams.promptSeeds(settings, arena.allocateFrom(JAVA_LONG, promptSeeds));
        call("sqlrl_generate", SqlrlNative.generate(live(), p.tokens(), p.lens(), prompts.length, settings, tokens, logprobs,
                lengths));
        List<Completion> result = new ArrayList<>(rows);
        for (int r = 0; r < rows; r++) {
            int len = lengths.getAtIndex(JAVA_INT, r);
            long base = (long) r * maxNew;
            result.add(new Completion(
                    tokens.asSlice(base * 4, len * 4L).toArray(JAVA_INT),
                    logprobs.asSlice(base * 4, len * 4L).toArray(JAVA_FLOAT)));
        }
        return result;
    }

    /** Seeds the LoRA dropout masks of this session's next training log-prob passes (for exact resume). */
    public void setDropoutSeed(long seed) {
        call("sqlrl_session_set_dropout_seed", SqlrlNative.sessionSetDropoutSeed(live(), seed));
    }

    @Override
    public void close() {
        if (handle != null) {
            SqlrlNative.sessionFree(handle);
            handle = null;
        }
    }

    private MemorySegment live() {
        if (handle == null) throw new IllegalStateException("the session is closed");
        return handle;
    }

    private static void call(String function, int status) {
        NativeModel.check(function, status);
    }
}
