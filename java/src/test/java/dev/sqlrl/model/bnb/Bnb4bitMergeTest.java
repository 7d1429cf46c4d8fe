package dev.sqlrl.model.bnb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sqlrl.model.Device;
import dev.sqlrl.model.LoraConfig;
import dev.sqlrl.model.LoraTarget;
import dev.sqlrl.model.ModelConfig.Architecture;
import dev.sqlrl.model.ModelLoader;
import dev.sqlrl.model.NativeModel;
import dev.sqlrl.model.NativeTests;
import dev.sqlrl.model.PeftAdapter;
import dev.sqlrl.model.WeightMode;
import dev.sqlrl.model.families.TinyFamilyModel;
import dev.sqlrl.model.merge.AdapterMerger;
import dev.sqlrl.model.safetensors.SafetensorsFile;
import dev.sqlrl.model.safetensors.TensorDtype;
import dev.sqlrl.model.safetensors.TensorInfo;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `sqlrl merge` onto a bnb-4bit model writes a plain bf16 folder: dequantized weights + the adapter's delta. */
class Bnb4bitMergeTest {
    private static final int[][] SEQUENCES = {{3, 17, 42, 5, 9, 33, 12, 60}, {7, 7, 50, 2}};

    @TempDir
    Path tmp;

    @BeforeAll
    static void needsNative() {
        NativeTests.assumeNative();
    }

    @Test
    void mergeOfABnbModelIsABf16FolderWithTheAdapterFolded() throws Exception {
        Path original = TinyFamilyModel.write(tmp.resolve("fp32"), Architecture.PHI3, 41, n -> { });
        Map<String, float[]> roundTrip = new LinkedHashMap<>();
        Path bnb = Bnb4bitCheckpointTest.writeBnb(original, tmp.resolve("bnb"), true, 256, roundTrip, t -> { });
        Path adapter = tmp.resolve("adapter");
        float[][] withAdapter;
        try (NativeModel model = ModelLoader.load(bnb, WeightMode.FP32, Device.CPU)) {
            LoraConfig lora = new LoraConfig(4, 8, LoraTarget.ALL, 0);
            model.attachLora(lora, 1);
            SplittableRandom random = new SplittableRandom(3);
            for (NativeModel.LoraTensor t : model.loraTensors()) {
                float[] values = new float[(int) t.elementCount()];
                for (int i = 0; i < values.length; i++) values[i] = (float) (0.2 * random.nextGaussian());
                model.writeLora(t, NativeModel.LoraBuffer.VALUE, values);
            }
            withAdapter = model.logits(SEQUENCES, true);
            PeftAdapter.save(model, lora, adapter, null);
        }
        Path merged = tmp.resolve("merged");
        AdapterMerger.merge(bnb, adapter, merged);

        JsonNode config = TinyFamilyModel.JSON.readTree(merged.resolve("config.json").toFile());
        assertFalse(config.has("quantization_config"));
        try (SafetensorsFile f = SafetensorsFile.open(merged.resolve("model.safetensors"))) {
            for (TensorInfo info : f.tensors().values()) {
                assertFalse(Bnb4bitWeight.isAuxiliary(info.name()), info.name());
                if (BnbCheckpointWriter.isDecoderLinear(info.name())) assertEquals(TensorDtype.BF16, info.dtype(), info.name());
            }
            // every linear is adapted here: o_proj holds the round-tripped weight plus the delta, in bf16
            float[] o = f.floats("model.layers.0.self_attn.o_proj.weight");
            float[] base = roundTrip.get("model.layers.0.self_attn.o_proj.weight");
            float[] a, b;
            try (SafetensorsFile lora = SafetensorsFile.open(adapter.resolve(PeftAdapter.WEIGHTS_FILE))) {
                a = lora.floats("base_model.model.model.layers.0.self_attn.o_proj.lora_A.weight");
                b = lora.floats("base_model.model.model.layers.0.self_attn.o_proj.lora_B.weight");
            }
            int cols = 32, rank = 4;
            double moved = 0;
            for (int i = 0; i < o.length; i++) {
                double delta = 0;
                for (int r = 0; r < rank; r++) delta += b[(i / cols) * rank + r] * a[r * cols + i % cols];
                double expected = base[i] + 2.0 * delta;  // alpha / r = 8 / 4
                assertEquals(expected, o[i], Math.abs(expected) / 256 + 1e-7, "o_proj[" + i + "] (bf16 of round trip + delta)");
                moved = Math.max(moved, Math.abs(o[i] - base[i]));
            }
            assertTrue(moved > 1e-2, "the delta must be folded in: " + moved);
        }
        try (NativeModel model = ModelLoader.load(merged, WeightMode.FP32, Device.CPU)) {
            float[][] got = model.logits(SEQUENCES, false);
            double worst = 0;
            for (int s = 0; s < SEQUENCES.length; s++) {
                for (int i = 0; i < got[s].length; i++) worst = Math.max(worst, Math.abs(got[s][i] - withAdapter[s][i]));
            }
            // bf16 rounding of every weight (8 mantissa bits) on a 2-layer model: measured 0.030
            assertTrue(worst < 0.05, "merged bf16 model vs bnb model + adapter: max abs diff " + worst);
        }
    }
}
