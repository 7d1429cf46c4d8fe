package dev.sqlrl.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sqlrl.TestPaths;
import dev.sqlrl.UserInputException;
import dev.sqlrl.model.safetensors.SafetensorsFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Adapter save/load fidelity and the errors a user gets for broken model folders and inputs. */
class ModelFilesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @BeforeAll
    static void needsNative() {
        NativeTests.assumeNative();
    }

    @Test
    void adapterSaveThenLoadIsBitExactAndLooksLikePeft() throws Exception {
        Path model = TestPaths.reference("tiny-qwen2");
        Path fixture = model.resolve("adapter");
        Path saved = dir.resolve("saved");
        try (NativeModel m = ModelLoader.load(model, WeightMode.FP32, Device.CPU)) {
            LoraConfig config = PeftAdapter.load(m, fixture);
            PeftAdapter.save(m, config, saved, model.toString());
        }
        try (SafetensorsFile ours = SafetensorsFile.open(saved.resolve(PeftAdapter.WEIGHTS_FILE));
             SafetensorsFile theirs = SafetensorsFile.open(fixture.resolve(PeftAdapter.WEIGHTS_FILE))) {
            assertEquals(theirs.tensors().keySet(), ours.tensors().keySet());
            for (String key : theirs.tensors().keySet()) {
                assertArrayEquals(theirs.info(key).shape(), ours.info(key).shape(), key);
                assertArrayEquals(theirs.floats(key), ours.floats(key), key);
            }
        }
        JsonNode ourConfig = JSON.readTree(saved.resolve(PeftAdapter.CONFIG_FILE).toFile());
        JsonNode theirConfig = JSON.readTree(fixture.resolve(PeftAdapter.CONFIG_FILE).toFile());
        assertEquals(fieldNames(theirConfig), fieldNames(ourConfig));
        for (String key : List.of("r", "lora_alpha", "lora_dropout", "peft_type", "bias", "auto_mapping")) {
            assertEquals(theirConfig.get(key), ourConfig.get(key), key);
        }
        assertEquals(setOf(theirConfig.get("target_modules")), setOf(ourConfig.get("target_modules")));

        // and what we wrote loads back into a fresh model bit for bit
        try (NativeModel m = ModelLoader.load(model, WeightMode.FP32, Device.CPU);
             SafetensorsFile theirs = SafetensorsFile.open(fixture.resolve(PeftAdapter.WEIGHTS_FILE))) {
            PeftAdapter.load(m, saved);
            for (NativeModel.LoraTensor t : m.loraTensors()) {
                assertArrayEquals(theirs.floats("base_model.model." + t.name()), m.readLora(t, NativeModel.LoraBuffer.VALUE));
            }
        }
    }

    @Test
    void freshAdaptersFollowPeftInitialization() {
        try (NativeModel m = ModelLoader.load(TestPaths.reference("tiny-llama"), WeightMode.FP32, Device.CPU)) {
            m.attachLora(new LoraConfig(4, 8, LoraTarget.ALL, 0), 7);
            assertEquals(2 * 7 * m.config().numLayers(), m.loraTensors().size());
            for (NativeModel.LoraTensor t : m.loraTensors()) {
                float[] v = m.readLora(t, NativeModel.LoraBuffer.VALUE);
                if (t.name().endsWith("lora_B.weight")) {
                    for (float x : v) assertEquals(0f, x, t.name());
                } else {
                    double bound = 1 / Math.sqrt(t.cols()); // Kaiming-uniform(a = sqrt(5)) on [rank, in]
                    double maxAbs = 0;
                    for (float x : v) maxAbs = Math.max(maxAbs, Math.abs(x));
                    assertTrue(maxAbs <= bound && maxAbs > bound / 2, t.name() + " max |A| " + maxAbs + " vs bound " + bound);
                }
            }
        }
    }

    @Test
    void shapeMismatchNamesTheTensorAndFile() throws Exception {
        Path copy = copyModel("tiny-llama");
        ObjectNode config = (ObjectNode) JSON.readTree(copy.resolve("config.json").toFile());
        config.put("intermediate_size", 100);
        JSON.writeValue(copy.resolve("config.json").toFile(), config);
        UserInputException e = assertThrows(UserInputException.class, () -> ModelLoader.load(copy, WeightMode.FP32, Device.CPU));
        assertTrue(e.getMessage().contains("model.layers.0.mlp.down_proj.weight") || e.getMessage().contains("gate_proj"), e.getMessage());
        assertTrue(e.getMessage().contains("model.safetensors") && e.getMessage().contains("config.json"), e.getMessage());
    }

    @Test
    void missingFilesAndUnknownArchitectureAreNamed() throws Exception {
        Path copy = copyModel("tiny-qwen2");
        Files.delete(copy.resolve("model.safetensors"));
        UserInputException missing = assertThrows(UserInputException.class, () -> ModelLoader.load(copy, WeightMode.FP32, Device.CPU));
        assertTrue(missing.getMessage().contains("missing file") && missing.getMessage().contains("model.safetensors"),
                missing.getMessage());
        Path arch = copyModel("tiny-llama");
        Files.writeString(arch.resolve("config.json"), Files.readString(arch.resolve("config.json"))
                .replace("\"llama\"", "\"mamba\"").replace("LlamaForCausalLM", "MambaForCausalLM"));
        UserInputException unknown = assertThrows(UserInputException.class, () -> ModelLoader.load(arch, WeightMode.FP32, Device.CPU));
        assertTrue(unknown.getMessage().contains("unknown architecture") && unknown.getMessage().contains("mamba"), unknown.getMessage());
        UserInputException noDir = assertThrows(UserInputException.class,
                () -> ModelLoader.load(dir.resolve("nowhere"), WeightMode.FP32, Device.CPU));
        assertTrue(noDir.getMessage().contains("nowhere"), noDir.getMessage());
    }

    @Test
    void idsOutOfRangeAreRejectedWithoutHarm() {
        try (NativeModel m = ModelLoader.load(TestPaths.reference("tiny-qwen2"), WeightMode.FP32, Device.CPU)) {
            InvalidNativeArgumentException e = assertThrows(InvalidNativeArgumentException.class,
                    () -> m.logprobs(new int[][] {{1, 2, 3}, {4, 512, 6}}, new int[] {1, 1}, false, 1.0, false));
            assertTrue(e.getMessage().contains("512"), e.getMessage());
            assertThrows(InvalidNativeArgumentException.class,
                    () -> m.generate(new int[][] {{-1}}, SamplingParams.greedy(2, List.of()), false));
            assertThrows(NativeException.class, () -> m.backward(new float[][] {{1f}})); // no pending graph
            // the model still works after the rejected calls
            assertEquals(2, m.logprobs(new int[][] {{1, 2, 3}}, new int[] {1}, false, 1.0, false)[0].length);
        }
    }

    private Path copyModel(String name) throws Exception {
        Path src = TestPaths.reference(name);
        Path dst = dir.resolve(name);
        Files.createDirectories(dst);
        for (String f : List.of("config.json", "model.safetensors")) Files.copy(src.resolve(f), dst.resolve(f));
        return dst;
    }

    private static Set<String> fieldNames(JsonNode n) {
        Set<String> s = new HashSet<>();
        n.fieldNames().forEachRemaining(s::add);
        return s;
    }

    private static Set<String> setOf(JsonNode array) {
        Set<String> s = new HashSet<>();
        array.forEach(x -> s.add(x.asText()));
        return s;
    }
}
