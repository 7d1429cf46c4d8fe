package dev.sqlrl.model.families;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sqlrl.model.Completion;
import dev.sqlrl.model.Device;
import dev.sqlrl.model.GreedyRecomputation;
import dev.sqlrl.model.ModelConfig;
import dev.sqlrl.model.ModelConfig.Architecture;
import dev.sqlrl.model.ModelLoader;
import dev.sqlrl.model.NativeModel;
import dev.sqlrl.model.NativeTests;
import dev.sqlrl.model.SamplingParams;
import dev.sqlrl.model.WeightMode;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each family's native forward pass against {@link ReferenceDecoder} (transformers' formulas in double
 * precision) on tiny random models with random norms, and the equivalences the families have with Llama.
 */
class FamilyForwardTest {
    private static final double TOLERANCE = 1e-4;
    private static final int[][] SEQUENCES = {{3, 17, 42, 5, 9, 33, 12, 60, 1, 8, 27, 19}, {7, 7, 50, 2}};

    @TempDir
    Path tmp;

    @BeforeAll
    static void needsNative() {
        NativeTests.assumeNative();
    }

    static Stream<Arguments> families() {
        return Stream.of(
                Arguments.of("llama3 scaled rope, tied", Architecture.LLAMA, (Consumer<ObjectNode>) n -> {
                    // original context 64: head_dim 8's wavelengths (6.3 .. ~1e3) fall in all three regions
                    n.putObject("rope_scaling").put("rope_type", "llama3").put("factor", 8.0).put("low_freq_factor", 1.0)
                            .put("high_freq_factor", 4.0).put("original_max_position_embeddings", 64);
                    n.put("tie_word_embeddings", true);
                }),
                Arguments.of("codellama rope_theta 1e6", Architecture.LLAMA, (Consumer<ObjectNode>) n -> n.put("rope_theta", 1e6)),
                Arguments.of("qwen3 q/k norm, head_dim 12", Architecture.QWEN3, (Consumer<ObjectNode>) n -> {
                    n.put("head_dim", 12);
                    n.put("tie_word_embeddings", true);
                }),
                Arguments.of("mistral sliding window 3", Architecture.MISTRAL, (Consumer<ObjectNode>) n -> n.put("sliding_window", 3)),
                Arguments.of("mistral without window", Architecture.MISTRAL, (Consumer<ObjectNode>) n -> n.putNull("sliding_window")),
                Arguments.of("phi3 fused qkv / gate_up, window 5", Architecture.PHI3, (Consumer<ObjectNode>) n -> {
                    n.put("sliding_window", 5);
                    n.put("rms_norm_eps", 1e-5);
                }),
                Arguments.of("qwen2 biases", Architecture.QWEN2, (Consumer<ObjectNode>) n -> { }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void logitsMatchTheReferenceDecoder(String what, Architecture arch, Consumer<ObjectNode> edit) {
        Path dir = TinyFamilyModel.write(tmp.resolve("m"), arch, 11, edit);
        ModelConfig config = ModelConfig.read(dir);
        ReferenceDecoder reference = new ReferenceDecoder(config, weights(dir));
        try (NativeModel model = ModelLoader.load(dir, WeightMode.FP32, Device.CPU)) {
            float[][] logits = model.logits(SEQUENCES, false);
            for (int s = 0; s < SEQUENCES.length; s++) {
                double[][] expected = reference.logits(SEQUENCES[s]);
                double worst = 0;
                for (int p = 0; p < expected.length; p++) {
                    for (int v = 0; v < config.vocabSize(); v++) {
                        worst = Math.max(worst, Math.abs(expected[p][v] - logits[s][p * config.vocabSize() + v]));
                    }
                }
                assertTrue(worst < TOLERANCE, what + " sequence " + s + ": max abs diff " + worst);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void kvCacheDecodingEqualsFullRecomputation(String what, Architecture arch, Consumer<ObjectNode> edit) {
        Path dir = TinyFamilyModel.write(tmp.resolve("m"), arch, 12, edit);
        try (NativeModel model = ModelLoader.load(dir, WeightMode.FP32, Device.CPU)) {
            int[][] prompts = {Arrays.copyOf(SEQUENCES[0], 6), SEQUENCES[1]};
            List<Completion> out = model.generate(prompts, SamplingParams.greedy(8, List.of()), false);
            for (int i = 0; i < prompts.length; i++) {
                assertArrayEquals(GreedyRecomputation.greedy(model, prompts[i], 8, false), out.get(i).tokens(), what + " prompt " + i);
            }
        }
    }

    @Test
    void llama3ScalingOfFactorOneIsPlainRope() {
        Path scaled = TinyFamilyModel.write(tmp.resolve("scaled"), Architecture.LLAMA, 5, n -> n.putObject("rope_scaling")
                .put("rope_type", "llama3").put("factor", 1.0).put("low_freq_factor", 1.0).put("high_freq_factor", 4.0)
                .put("original_max_position_embeddings", 64));
        Path plain = TinyFamilyModel.write(tmp.resolve("plain"), Architecture.LLAMA, 5, n -> { });
        assertSameLogits(scaled, plain, 1e-6);
        // and a context so long that every wavelength counts as high-frequency: unchanged as well
        Path longContext = TinyFamilyModel.write(tmp.resolve("long"), Architecture.LLAMA, 5, n -> n.putObject("rope_scaling")
                .put("rope_type", "llama3").put("factor", 8.0).put("low_freq_factor", 1.0).put("high_freq_factor", 4.0)
                .put("original_max_position_embeddings", 1_000_000));
        assertSameLogits(longContext, plain, 1e-6);
    }

    @Test
    void qwen3NormalizesEachHeadOfQAndK() {
        // Even with identity norm weights Qwen3 is not Llama (q and k are still RMS-normalized), so the test is the
        // invariance that per-head normalization implies: scaling one head's rows of q_proj (or k_proj) by a
        // constant leaves the model's logits unchanged. (Placement before RoPE: logitsMatchTheReferenceDecoder.)
        Path qwen3 = TinyFamilyModel.write(tmp.resolve("qwen3"), Architecture.QWEN3, 6, n -> { });
        Map<String, float[]> weights = weights(qwen3);
        Path scaled = tmp.resolve("qwen3-scaled");
        Map<String, float[]> scaledWeights = copy(weights);
        scaleRows(scaledWeights.get("model.layers.0.self_attn.q_proj.weight"), 32, 8, 16, 3.5f);  // head 1 of q
        scaleRows(scaledWeights.get("model.layers.1.self_attn.k_proj.weight"), 32, 0, 8, 0.25f);  // kv head 0 of k
        TinyFamilyModel.write(scaled, Architecture.QWEN3, 6, n -> { });
        rewrite(scaled, scaledWeights);
        assertSameLogits(qwen3, scaled, 1e-4);
    }

    @Test
    void phi3FusedWeightsEqualTheSameModelUnfused() {
        Path phi3 = TinyFamilyModel.write(tmp.resolve("phi3"), Architecture.PHI3, 7, n -> { });
        Path llama = TinyFamilyModel.write(tmp.resolve("llama"), Architecture.LLAMA, 7, n -> { });
        rewrite(llama, unfused(weights(phi3)));
        assertSameLogits(phi3, llama, 1e-6);
    }

    @Test
    void slidingWindowLimitsWhatALayerSees() {
        // With L layers and window w the last position depends on the last L * (w - 1) + 1 tokens only, and RoPE is
        // relative: so it gets the same logits from the whole sequence as from that suffix alone.
        Path dir = TinyFamilyModel.write(tmp.resolve("m"), Architecture.MISTRAL, 8, n -> n.put("sliding_window", 3));
        try (NativeModel model = ModelLoader.load(dir, WeightMode.FP32, Device.CPU)) {
            int[] full = SEQUENCES[0];
            int[] suffix = Arrays.copyOfRange(full, full.length - 5, full.length);
            int vocab = model.config().vocabSize();
            float[] fromFull = Arrays.copyOfRange(model.logits(new int[][] {full}, false)[0], (full.length - 1) * vocab,
                    full.length * vocab);
            float[] fromSuffix = Arrays.copyOfRange(model.logits(new int[][] {suffix}, false)[0], 4 * vocab, 5 * vocab);
            for (int v = 0; v < vocab; v++) assertTrue(Math.abs(fromFull[v] - fromSuffix[v]) < 1e-4, "vocab " + v);
            int[] tooShort = Arrays.copyOfRange(full, full.length - 4, full.length);
            float[] fromTooShort = Arrays.copyOfRange(model.logits(new int[][] {tooShort}, false)[0], 3 * vocab, 4 * vocab);
            double differs = 0;
            for (int v = 0; v < vocab; v++) differs = Math.max(differs, Math.abs(fromFull[v] - fromTooShort[v]));
            assertTrue(differs > 1e-3, "a suffix shorter than the receptive field must change the logits");
        }
    }

    static Map<String, float[]> unfused(Map<String, float[]> phi3) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, float[]> e : phi3.entrySet()) {
            String name = e.getKey();
            float[] v = e.getValue();
            if (name.endsWith("qkv_proj.weight")) {
                String p = name.replace("qkv_proj.weight", "");
                out.put(p + "q_proj.weight", Arrays.copyOfRange(v, 0, 32 * 32));
                out.put(p + "k_proj.weight", Arrays.copyOfRange(v, 32 * 32, 48 * 32));
                out.put(p + "v_proj.weight", Arrays.copyOfRange(v, 48 * 32, 64 * 32));
            } else if (name.endsWith("gate_up_proj.weight")) {
                String p = name.replace("gate_up_proj.weight", "");
                out.put(p + "gate_proj.weight", Arrays.copyOfRange(v, 0, v.length / 2));
                out.put(p + "up_proj.weight", Arrays.copyOfRange(v, v.length / 2, v.length));
            } else {
                out.put(name, v);
            }
        }
        return out;
    }

    private static void scaleRows(float[] m, int cols, int fromRow, int toRow, float by) {
        for (int i = fromRow * cols; i < toRow * cols; i++) m[i] *= by;
    }

    private static Map<String, float[]> copy(Map<String, float[]> weights) {
        Map<String, float[]> out = new LinkedHashMap<>();
        weights.forEach((k, v) -> out.put(k, v.clone()));
        return out;
    }

    static void assertSameLogits(Path a, Path b, double tolerance) {
        try (NativeModel ma = ModelLoader.load(a, WeightMode.FP32, Device.CPU);
                NativeModel mb = ModelLoader.load(b, WeightMode.FP32, Device.CPU)) {
            float[][] la = ma.logits(SEQUENCES, false), lb = mb.logits(SEQUENCES, false);
            for (int s = 0; s < SEQUENCES.length; s++) {
                for (int i = 0; i < la[s].length; i++) {
                    assertTrue(Math.abs(la[s][i] - lb[s][i]) <= tolerance, a.getFileName() + " vs " + b.getFileName()
                            + " sequence " + s + " index " + i + ": " + la[s][i] + " vs " + lb[s][i]);
                }
            }
        }
    }

    static Map<String, float[]> weights(Path dir) {
        return TinyFamilyModel.readWeights(dir);
    }

    static void rewrite(Path dir, Map<String, float[]> weights) {
        try {
            TinyFamilyModel.writeWeights(dir, weights);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
