package dev.sqlrl.model.bnb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sqlrl.UserInputException;
import dev.sqlrl.model.Device;
import dev.sqlrl.model.ModelConfig;
import dev.sqlrl.model.ModelConfig.Architecture;
import dev.sqlrl.model.ModelLoader;
import dev.sqlrl.model.NativeModel;
import dev.sqlrl.model.NativeTests;
import dev.sqlrl.model.WeightMode;
import dev.sqlrl.model.families.TinyFamilyModel;
import dev.sqlrl.model.safetensors.SafetensorsWriter;
import dev.sqlrl.model.safetensors.TensorDtype;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A bnb-4bit checkpoint written in bitsandbytes' exact layout loads as stored: its logits equal those of an fp32 model
 * holding the weights bitsandbytes would dequantize (the originals round-tripped through its quantization), and every
 * malformed variant is refused in one line naming the tensor.
 */
class Bnb4bitCheckpointTest {
    private static final int[][] SEQUENCES = {{3, 17, 42, 5, 9, 33, 12, 60}, {7, 7, 50, 2}};
    private static final String Q_PROJ = "model.layers.0.self_attn.q_proj.weight";

    @TempDir
    Path tmp;

    @BeforeAll
    static void needsNative() {
        NativeTests.assumeNative();
    }

    @ParameterizedTest(name = "{0}, double quant {1}, nested block {2}, loaded as {3}")
    @CsvSource({"LLAMA, true, 256, NF4", "LLAMA, true, 256, FP32", "LLAMA, false, 256, NF4", "LLAMA, true, 8, NF4",
        "PHI3, true, 256, NF4", "QWEN3, false, 256, BF16"})
    void loadsAsStoredAndEqualsTheRoundTrippedWeights(Architecture arch, boolean doubleQuant, int nestedBlock, WeightMode mode) {
        Path original = TinyFamilyModel.write(tmp.resolve("fp32"), arch, 31, n -> { });
        Map<String, float[]> roundTrip = new LinkedHashMap<>();
        Path bnb = writeBnb(original, tmp.resolve("bnb"), doubleQuant, nestedBlock, roundTrip, t -> { });
        Path reference = TinyFamilyModel.write(tmp.resolve("round-trip"), arch, 31, n -> { });
        rewrite(reference, roundTrip);
        double tolerance = mode == WeightMode.BF16 ? 2e-2 : 1e-5;  // BF16 mode rounds the dequantized weights
        try (NativeModel quantized = ModelLoader.load(bnb, mode, Device.CPU);
                NativeModel expected = ModelLoader.load(reference, mode == WeightMode.BF16 ? WeightMode.BF16 : WeightMode.FP32, Device.CPU);
                NativeModel unquantized = ModelLoader.load(original, WeightMode.FP32, Device.CPU)) {
            float[][] got = quantized.logits(SEQUENCES, false), want = expected.logits(SEQUENCES, false);
            float[][] before = unquantized.logits(SEQUENCES, false);
            double quantizationError = 0;
            for (int s = 0; s < SEQUENCES.length; s++) {
                for (int i = 0; i < got[s].length; i++) {
                    assertEquals(want[s][i], got[s][i], tolerance, "sequence " + s + " logit " + i);
                    quantizationError = Math.max(quantizationError, Math.abs(before[s][i] - got[s][i]));
                }
            }
            assertTrue(quantizationError > 1e-3, "the checkpoint must really be quantized (" + quantizationError + ")");
            if (mode == WeightMode.NF4) {
                assertTrue(quantized.memory().weightBytes() < unquantized.memory().weightBytes() * 0.7,
                        quantized.memory().weightBytes() + " vs " + unquantized.memory().weightBytes());
            }
        }
    }

    @Test
    void dynamicMapIsBitsandbytesOne() {
        float[] map = BnbCheckpointWriter.DYNAMIC_MAP;
        assertEquals(256, map.length);
        // the widest exponent (10^0) has 64 fractions of linspace(0.1, 1, 65): its largest mean is 1 - 0.9 / 128
        assertEquals(-0.99296875f, map[0], 1e-6f);
        assertEquals(1.0f, map[255]);
        assertEquals(0.0f, map[127]);
        for (int i = 1; i < 256; i++) assertTrue(map[i] > map[i - 1], "sorted and distinct at " + i);
    }

    @Test
    void malformedCheckpointsAreRefusedInOneLine() {
        Path original = TinyFamilyModel.write(tmp.resolve("fp32"), Architecture.LLAMA, 32, n -> { });
        assertRefused(original, "missing-absmax", t -> t.remove(Q_PROJ + ".absmax"), "lacks tensor '" + Q_PROJ + ".absmax'");
        assertRefused(original, "blocksize", t -> blob(t, b -> b.put("blocksize", 128)), "blocksize 128 is not 64");
        assertRefused(original, "shape", t -> blob(t, b -> b.putArray("shape").add(16).add(64)),
                "shape [16,64] but config.json implies [32, 32]");
        assertRefused(original, "fp4", t -> t.put(Q_PROJ + ".quant_state.bitsandbytes__fp4",
                t.remove(Q_PROJ + ".quant_state.bitsandbytes__nf4")), "is FP4-quantized");
        assertRefused(original, "quant-map", t -> {
            float[] notNf4 = BnbCheckpointWriter.NF4.clone();
            notNf4[3] = -0.4f;
            t.put(Q_PROJ + ".quant_map", BnbCheckpointWriter.floats(notNf4));
        }, "code table is not NF4's");
        assertRefused(original, "absmax-count", t -> t.put(Q_PROJ + ".absmax", new Object[] {TensorDtype.U8, new long[] {3},
                new byte[3]}), "'" + Q_PROJ + ".absmax' is U8 [3]; the 4-bit weight needs U8 with 16 values");
        assertRefused(original, "blob-json", t -> t.put(Q_PROJ + ".quant_state.bitsandbytes__nf4",
                new Object[] {TensorDtype.U8, new long[] {3}, "{x:".getBytes(StandardCharsets.UTF_8)}), "is not the JSON of a quant state");
        assertRefused(original, "no-blob", t -> t.remove(Q_PROJ + ".quant_state.bitsandbytes__nf4"),
                "lacks tensor '" + Q_PROJ + ".quant_state.bitsandbytes__nf4'");
        // 4-bit tensors, but config.json says nothing of quantization
        Path noConfig = writeBnb(original, tmp.resolve("no-config"), true, 256, new LinkedHashMap<>(), t -> { });
        ObjectNode config = TinyFamilyModel.config(Architecture.LLAMA);
        writeConfig(noConfig, config);
        assertOneLine(noConfig, "has no quantization_config");
    }

    private void assertRefused(Path original, String name, Consumer<Map<String, Object[]>> corrupt, String expected) {
        Path dir = writeBnb(original, tmp.resolve(name), true, 256, new LinkedHashMap<>(), corrupt);
        assertOneLine(dir, expected);
    }

    private static void assertOneLine(Path dir, String expected) {
        UserInputException e = assertThrows(UserInputException.class, () -> ModelLoader.load(dir, WeightMode.NF4, Device.CPU).close());
        assertTrue(e.getMessage().contains(expected) && !e.getMessage().contains("\n"), e.getMessage());
    }

    private static void blob(Map<String, Object[]> tensors, Consumer<ObjectNode> edit) {
        String key = Q_PROJ + ".quant_state.bitsandbytes__nf4";
        try {
            ObjectNode blob = (ObjectNode) TinyFamilyModel.JSON.readTree(new String((byte[]) tensors.get(key)[2], StandardCharsets.UTF_8));
            edit.accept(blob);
            byte[] bytes = blob.toString().getBytes(StandardCharsets.UTF_8);
            tensors.put(key, new Object[] {TensorDtype.U8, new long[] {bytes.length}, bytes});
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The original folder's model as a bnb-4bit checkpoint in dir: decoder linears quantized, the rest F32, and
     * config.json with transformers' quantization_config; roundTrip receives what bitsandbytes would dequantize.
     */
    static Path writeBnb(Path original, Path dir, boolean doubleQuant, int nestedBlock, Map<String, float[]> roundTrip,
                         Consumer<Map<String, Object[]>> corrupt) {
        try {
            Files.createDirectories(dir);
            ModelConfig c = ModelConfig.read(original);
            Map<String, long[]> shapes = dev.sqlrl.model.WeightLayout.expected(c);
            Map<String, Object[]> tensors = new LinkedHashMap<>();
            for (Map.Entry<String, float[]> e : TinyFamilyModel.readWeights(original).entrySet()) {
                long[] shape = shapes.get(e.getKey());
                if (BnbCheckpointWriter.isDecoderLinear(e.getKey())) {
                    BnbCheckpointWriter.Quantized q = BnbCheckpointWriter.quantize(e.getKey(), e.getValue(), shape[0], shape[1],
                            doubleQuant, nestedBlock);
                    tensors.putAll(q.tensors());
                    roundTrip.put(e.getKey(), q.roundTrip());
                } else {
                    Object[] f = BnbCheckpointWriter.floats(e.getValue());
                    tensors.put(e.getKey(), new Object[] {TensorDtype.F32, shape, f[2]});
                    roundTrip.put(e.getKey(), e.getValue());
                }
            }
            corrupt.accept(tensors);
            SafetensorsWriter writer = new SafetensorsWriter().metadata("format", "pt");
            BnbCheckpointWriter.add(writer, tensors);
            writer.write(dir.resolve("model.safetensors"));
            ObjectNode config = (ObjectNode) TinyFamilyModel.JSON.readTree(original.resolve("config.json").toFile());
            ObjectNode q = config.putObject("quantization_config");
            q.put("quant_method", "bitsandbytes").put("load_in_4bit", true).put("load_in_8bit", false)
                    .put("bnb_4bit_quant_type", "nf4").put("bnb_4bit_use_double_quant", doubleQuant)
                    .put("bnb_4bit_compute_dtype", "bfloat16").put("bnb_4bit_quant_storage", "uint8");
            writeConfig(dir, config);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeConfig(Path dir, ObjectNode config) {
        try {
            TinyFamilyModel.JSON.writeValue(dir.resolve("config.json").toFile(), config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void rewrite(Path dir, Map<String, float[]> weights) {
        try {
            TinyFamilyModel.writeWeights(dir, weights);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
