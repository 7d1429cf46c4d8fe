package dev.sqlrl.model.families;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sqlrl.UserInputException;
import dev.sqlrl.model.Device;
import dev.sqlrl.model.LoraConfig;
import dev.sqlrl.model.LoraTarget;
import dev.sqlrl.model.ModelConfig.Architecture;
import dev.sqlrl.model.ModelLoader;
import dev.sqlrl.model.NativeModel;
import dev.sqlrl.model.NativeModel.LoraBuffer;
import dev.sqlrl.model.NativeTests;
import dev.sqlrl.model.PeftAdapter;
import dev.sqlrl.model.WeightMode;
import dev.sqlrl.model.safetensors.SafetensorsFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LoRA on Phi-3's fused projections, as PEFT has it: one adapter on qkv_proj (A [r, hidden], B [q + 2 kv, r]) and one
 * on gate_up_proj. Mapped onto the split weights it is the same A for q, k and v and B split by rows; so it must equal
 * a Llama model of the same weights with per-projection adapters that share A, and its A gradient must be the sum
 * of theirs.
 */
class Phi3LoraTest {
    private static final int RANK = 4;
    private static final int[][] SEQUENCES = {{3, 17, 42, 5, 9, 33, 12, 60}, {7, 7, 50, 2, 11}};
    private static final int[] PROMPT_LENS = {3, 2};

    @TempDir
    Path tmp;

    @BeforeAll
    static void needsNative() {
        NativeTests.assumeNative();
    }

    @Test
    void fusedAdaptersEqualSplitAdaptersWithSharedAAndTheirGradientsAdd() {
        Path phi3Dir = TinyFamilyModel.write(tmp.resolve("phi3"), Architecture.PHI3, 21, n -> { });
        Path llamaDir = TinyFamilyModel.write(tmp.resolve("llama"), Architecture.LLAMA, 21, n -> { });
        FamilyForwardTest.rewrite(llamaDir, FamilyForwardTest.unfused(FamilyForwardTest.weights(phi3Dir)));
        LoraConfig lora = new LoraConfig(RANK, 8, LoraTarget.ALL, 0);
        try (NativeModel phi3 = ModelLoader.load(phi3Dir, WeightMode.FP32, Device.CPU);
                NativeModel llama = ModelLoader.load(llamaDir, WeightMode.FP32, Device.CPU)) {
            phi3.attachLora(lora, 1);
            llama.attachLora(lora, 2);
            SplittableRandom random = new SplittableRandom(5);
            for (NativeModel.LoraTensor t : phi3.loraTensors()) {
                float[] values = new float[(int) t.elementCount()];
                for (int i = 0; i < values.length; i++) values[i] = (float) (0.3 * random.nextGaussian());
                phi3.writeLora(t, LoraBuffer.VALUE, values);
            }
            for (NativeModel.LoraTensor t : llama.loraTensors()) {
                llama.writeLora(t, LoraBuffer.VALUE, splitPart(phi3, t.name(), LoraBuffer.VALUE));
            }
            float[][] fused = phi3.logits(SEQUENCES, true), split = llama.logits(SEQUENCES, true);
            for (int s = 0; s < SEQUENCES.length; s++) {
                for (int i = 0; i < fused[s].length; i++) assertEquals(split[s][i], fused[s][i], 1e-5, "logit " + i);
            }
            float[] base = phi3.logits(SEQUENCES, false)[0];
            assertTrue(Math.abs(base[5] - fused[0][5]) > 1e-3, "the adapters must change the logits");

            for (NativeModel m : List.of(phi3, llama)) {
                m.zeroGrad();
                float[][] lp = m.logprobs(SEQUENCES, PROMPT_LENS, true, 1.0, true);
                m.backward(ones(lp));
            }
            for (NativeModel.LoraTensor t : phi3.loraTensors()) {
                float[] expected = fusedGradient(llama, t.name());
                float[] actual = phi3.readLora(t, LoraBuffer.GRAD);
                for (int i = 0; i < actual.length; i++) assertEquals(expected[i], actual[i], 1e-4, t.name() + "[" + i + "]");
            }
        }
    }

    @Test
    void peftFilesNameTheFusedModulesAndLoadBack() {
        Path dir = TinyFamilyModel.write(tmp.resolve("phi3"), Architecture.PHI3, 22, n -> { });
        Path adapter = tmp.resolve("adapter");
        LoraConfig lora = new LoraConfig(RANK, 8, LoraTarget.ALL, 0.05);
        float[][] expected;
        try (NativeModel model = ModelLoader.load(dir, WeightMode.FP32, Device.CPU)) {
            model.attachLora(lora, 3);
            for (NativeModel.LoraTensor t : model.loraTensors()) {
                float[] values = new float[(int) t.elementCount()];
                Arrays.fill(values, 0.01f * (t.index() + 1));
                model.writeLora(t, LoraBuffer.VALUE, values);
            }
            expected = model.logits(SEQUENCES, true);
            PeftAdapter.save(model, lora, adapter, null);
        }
        JsonNode config = dev.sqlrl.UserJsonFiles.read(adapter.resolve(PeftAdapter.CONFIG_FILE));
        List<String> targets = new ArrayList<>();
        config.get("target_modules").forEach(n -> targets.add(n.asText()));
        assertEquals(List.of("qkv_proj", "o_proj", "gate_up_proj", "down_proj"), targets);
        try (SafetensorsFile f = SafetensorsFile.open(adapter.resolve(PeftAdapter.WEIGHTS_FILE))) {
            assertArrayEquals(new long[] {64, RANK},
                    f.info("base_model.model.model.layers.1.self_attn.qkv_proj.lora_B.weight").shape());
            assertArrayEquals(new long[] {96, RANK}, f.info("base_model.model.model.layers.0.mlp.gate_up_proj.lora_B.weight").shape());
            assertFalse(f.tensors().keySet().stream().anyMatch(k -> k.contains("q_proj") || k.contains("gate_proj")));
        }
        try (NativeModel model = ModelLoader.load(dir, WeightMode.FP32, Device.CPU)) {
            PeftAdapter.load(model, adapter);
            float[][] loaded = model.logits(SEQUENCES, true);
            for (int s = 0; s < SEQUENCES.length; s++) assertArrayEquals(expected[s], loaded[s], 0f);
        }
    }

    @Test
    void dropoutOnAFusedModuleIsTheSameWithAndWithoutCheckpointing() {
        Path dir = TinyFamilyModel.write(tmp.resolve("phi3"), Architecture.PHI3, 23, n -> { });
        float[][] grads = new float[2][];
        for (int run = 0; run < 2; run++) {
            try (NativeModel model = ModelLoader.load(dir, WeightMode.FP32, Device.CPU)) {
                model.attachLora(new LoraConfig(RANK, 8, LoraTarget.ALL, 0.3), 4);
                for (NativeModel.LoraTensor t : model.loraTensors()) {
                    float[] values = new float[(int) t.elementCount()];
                    Arrays.fill(values, 0.05f);
                    model.writeLora(t, LoraBuffer.VALUE, values);
                }
                model.setCheckpointing(run == 0);
                model.setDropoutSeed(99);
                model.backward(ones(model.logprobs(SEQUENCES, PROMPT_LENS, true, 1.0, true)));
                NativeModel.LoraTensor a = model.loraTensor("model.layers.0.self_attn.qkv_proj.lora_A.weight");
                grads[run] = model.readLora(a, LoraBuffer.GRAD);
            }
        }
        assertArrayEquals(grads[0], grads[1], 1e-6f);
    }

    @Test
    void targetingPartOfAFusedModuleIsRefused() {
        Path dir = TinyFamilyModel.write(tmp.resolve("phi3"), Architecture.PHI3, 24, n -> { });
        try (NativeModel model = ModelLoader.load(dir, WeightMode.FP32, Device.CPU)) {
            UserInputException e = assertThrows(UserInputException.class,
                    () -> model.attachLora(new LoraConfig(RANK, 8, List.of(LoraTarget.Q, LoraTarget.O), 0), 1));
            assertTrue(e.getMessage().contains("self_attn.qkv_proj"), e.getMessage());
        }
    }

    /** The rows (B) or the whole (A) of the fused tensor that a split module's tensor corresponds to. */
    private static float[] splitPart(NativeModel phi3, String splitName, LoraBuffer which) {
        String fusedName = splitName.replaceAll("(q|k|v)_proj", "qkv_proj").replaceAll("(gate|up)_proj", "gate_up_proj");
        float[] fused = phi3.readLora(phi3.loraTensor(fusedName), which);
        if (fusedName.equals(splitName) || splitName.contains("lora_A")) return fused;
        int[] rows = rowRange(splitName);
        return Arrays.copyOfRange(fused, rows[0] * RANK, rows[1] * RANK);
    }

    /** Rows of q, k, v in qkv_proj (32, 16, 16) and of gate, up in gate_up_proj (48, 48). */
    private static int[] rowRange(String splitName) {
        if (splitName.contains("q_proj")) return new int[] {0, 32};
        if (splitName.contains("k_proj")) return new int[] {32, 48};
        if (splitName.contains("v_proj")) return new int[] {48, 64};
        if (splitName.contains("gate_proj")) return new int[] {0, 48};
        return new int[] {48, 96};
    }

    private static float[] fusedGradient(NativeModel llama, String fusedName) {
        List<String> members = fusedName.contains("qkv_proj") ? List.of("q_proj", "k_proj", "v_proj")
                : fusedName.contains("gate_up_proj") ? List.of("gate_proj", "up_proj") : List.of();
        if (members.isEmpty()) return llama.readLora(llama.loraTensor(fusedName), LoraBuffer.GRAD);
        String fusedModule = fusedName.contains("qkv_proj") ? "qkv_proj" : "gate_up_proj";
        List<float[]> parts = new ArrayList<>();
        for (String m : members) parts.add(llama.readLora(llama.loraTensor(fusedName.replace(fusedModule, m)), LoraBuffer.GRAD));
        if (fusedName.contains("lora_A")) {  // shared A: the gradients add
            float[] sum = new float[parts.get(0).length];
            for (float[] p : parts) for (int i = 0; i < sum.length; i++) sum[i] += p[i];
            return sum;
        }
        int n = parts.stream().mapToInt(p -> p.length).sum();
        float[] concat = new float[n];
        int offset = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, concat, offset, p.length);
            offset += p.length;
        }
        return concat;
    }

    private static float[][] ones(float[][] shape) {
        float[][] out = new float[shape.length][];
        for (int i = 0; i < shape.length; i++) {
            out[i] = new float[shape[i].length];
            Arrays.fill(out[i], 1f);
        }
        return out;
    }

    private static void assertArrayEquals(long[] expected, long[] actual) {
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected, actual);
    }

    private static void assertArrayEquals(float[] expected, float[] actual, float delta) {
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected, actual, delta);
    }
}
