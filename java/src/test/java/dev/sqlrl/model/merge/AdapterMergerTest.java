package dev.sqlrl.model.merge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sqlrl.TestPaths;
import dev.sqlrl.UserInputException;
import dev.sqlrl.cli.Main;
import dev.sqlrl.model.Device;
import dev.sqlrl.model.ModelLoader;
import dev.sqlrl.model.NativeModel;
import dev.sqlrl.model.PeftAdapter;
import dev.sqlrl.model.WeightMode;
import dev.sqlrl.model.safetensors.SafetensorsFile;
import dev.sqlrl.model.safetensors.SafetensorsWriter;
import dev.sqlrl.model.safetensors.TensorDtype;
import dev.sqlrl.model.safetensors.TensorInfo;
import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Merging the PEFT adapters of ../shared/reference into their models. */
class AdapterMergerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Two layers, LoRA on all seven projections. */
    private static final int ADAPTED_WEIGHTS = 14;

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"tiny-qwen2", "tiny-llama"})
    void mergedModelGivesTheLogitsOfBasePlusAdapter(String name) throws IOException {
        assumeFalse(Boolean.getBoolean("sqlrl.native.skip"), "native library not built (-Dsqlrl.native.skip=true)");
        Path ref = TestPaths.reference(name);
        Path out = dir.resolve("merged");
        AdapterMerger.merge(ref, ref.resolve("adapter"), out);
        int[][] prompts = prompts(ref);
        float[][] expected;
        try (NativeModel base = ModelLoader.load(ref, WeightMode.FP32, Device.CPU)) {
            PeftAdapter.load(base, ref.resolve("adapter"));
            expected = base.logits(prompts, true);
        }
        try (NativeModel merged = ModelLoader.load(out, WeightMode.FP32, Device.CPU)) {
            float[][] actual = merged.logits(prompts, false);
            for (int i = 0; i < prompts.length; i++) {
                assertEquals(expected[i].length, actual[i].length);
                for (int j = 0; j < expected[i].length; j++) {
                    assertEquals(expected[i][j], actual[i][j], 1e-4, name + " prompt " + i + " logit " + j);
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny-qwen2", "tiny-llama"})
    void untouchedTensorsAreByteIdenticalAndAdaptedOnesAreWPlusScaledBA(String name) throws IOException {
        Path ref = TestPaths.reference(name);
        Path out = dir.resolve("merged");
        MergeSummary summary = AdapterMerger.merge(ref, ref.resolve("adapter"), out);
        assertEquals(ADAPTED_WEIGHTS, summary.mergedWeights().size());
        assertEquals(List.of(out.resolve("model.safetensors")), summary.weightFiles());
        for (String file : List.of("config.json", "generation_config.json")) {
            assertArrayEquals(Files.readAllBytes(ref.resolve(file)), Files.readAllBytes(out.resolve(file)), file);
        }
        assertFalse(Files.exists(out.resolve("adapter_grads.safetensors")), "other weight files are not copied");
        double scale = 8.0 / 4; // lora_alpha / r of the fixtures' adapter_config.json
        try (SafetensorsFile base = SafetensorsFile.open(ref.resolve("model.safetensors"));
             SafetensorsFile adapter = SafetensorsFile.open(ref.resolve("adapter/adapter_model.safetensors"));
             SafetensorsFile merged = SafetensorsFile.open(out.resolve("model.safetensors"))) {
            assertEquals(Map.of("format", "pt"), merged.metadata());
            assertEquals(base.tensors().keySet(), merged.tensors().keySet());
            for (TensorInfo info : base.tensors().values()) {
                assertEquals(info.dtype(), merged.info(info.name()).dtype(), info.name());
                assertArrayEquals(info.shape(), merged.info(info.name()).shape(), info.name());
                if (!summary.mergedWeights().contains(info.name())) {
                    assertArrayEquals(base.segment(info.name()).toArray(ValueLayout.JAVA_BYTE),
                            merged.segment(info.name()).toArray(ValueLayout.JAVA_BYTE), info.name());
                }
            }
            String module = "model.layers.1.self_attn.q_proj";
            float[] w = base.floats(module + ".weight");
            float[] a = adapter.floats("base_model.model." + module + ".lora_A.weight");
            float[] b = adapter.floats("base_model.model." + module + ".lora_B.weight");
            float[] m = merged.floats(module + ".weight");
            int rank = 4;
            int cols = Math.toIntExact(base.info(module + ".weight").shape()[1]);
            double largestDelta = 0;
            for (int row = 0; row < w.length / cols; row++) {
                for (int col = 0; col < cols; col++) {
                    double delta = 0;
                    for (int k = 0; k < rank; k++) delta += (double) b[row * rank + k] * a[k * cols + col];
                    double want = w[row * cols + col] + scale * delta;
                    assertEquals(want, m[row * cols + col], 1e-6, module + " [" + row + ", " + col + "]");
                    largestDelta = Math.max(largestDelta, Math.abs(scale * delta));
                }
            }
            assertTrue(largestDelta > 1e-3, "the fixture adapter should change the weight, largest change " + largestDelta);
        }
    }

    @Test
    void bf16CheckpointStaysBf16RoundedOnce() throws IOException {
        Path ref = TestPaths.reference("tiny-qwen2");
        Path bf16 = copyModel(ref, dir.resolve("bf16"), TensorDtype.BF16, null);
        Path out = dir.resolve("merged");
        AdapterMerger.merge(bf16, ref.resolve("adapter"), out);
        try (SafetensorsFile base = SafetensorsFile.open(bf16.resolve("model.safetensors"));
             SafetensorsFile merged = SafetensorsFile.open(out.resolve("model.safetensors"))) {
            String weight = "model.layers.0.mlp.down_proj.weight";
            assertEquals(TensorDtype.BF16, merged.info(weight).dtype());
            float[] before = base.floats(weight);
            float[] after = merged.floats(weight);
            int changed = 0;
            for (int i = 0; i < before.length; i++) if (before[i] != after[i]) changed++;
            assertTrue(changed > before.length / 2, "most bf16 values should move, " + changed + " of " + before.length);
            String norm = "model.norm.weight";
            assertArrayEquals(base.segment(norm).toArray(ValueLayout.JAVA_BYTE), merged.segment(norm).toArray(ValueLayout.JAVA_BYTE));
        }
    }

    @Test
    void shardedCheckpointIsWrittenAsTheSameShardsWithItsIndex() throws IOException {
        Path ref = TestPaths.reference("tiny-llama");
        Path sharded = copyModel(ref, dir.resolve("sharded"), TensorDtype.F32, name -> name.contains("layers.1.")
                || name.startsWith("lm_head") ? "model-00002-of-00002.safetensors" : "model-00001-of-00002.safetensors");
        Path single = dir.resolve("merged-single");
        Path out = dir.resolve("merged-sharded");
        AdapterMerger.merge(ref, ref.resolve("adapter"), single);
        MergeSummary summary = AdapterMerger.merge(sharded, ref.resolve("adapter"), out);
        assertEquals(2, summary.weightFiles().size());
        assertArrayEquals(Files.readAllBytes(sharded.resolve("model.safetensors.index.json")),
                Files.readAllBytes(out.resolve("model.safetensors.index.json")));
        try (SafetensorsFile whole = SafetensorsFile.open(single.resolve("model.safetensors"))) {
            int seen = 0;
            for (Path shard : summary.weightFiles()) {
                try (SafetensorsFile part = SafetensorsFile.open(shard)) {
                    for (String name : part.tensors().keySet()) {
                        assertArrayEquals(whole.segment(name).toArray(ValueLayout.JAVA_BYTE),
                                part.segment(name).toArray(ValueLayout.JAVA_BYTE), name);
                        seen++;
                    }
                }
            }
            assertEquals(whole.tensors().size(), seen);
        }
    }

    @Test
    void refusesAnAdapterForAModuleTheModelDoesNotHave() throws IOException {
        Path ref = TestPaths.reference("tiny-qwen2");
        Path adapter = copyAdapter(ref.resolve("adapter"), dir.resolve("adapter"),
                key -> key.replace("model.layers.1.self_attn.q_proj", "model.layers.7.self_attn.q_proj"), false);
        Path out = dir.resolve("merged");
        UserInputException e = assertThrows(UserInputException.class, () -> AdapterMerger.merge(ref, adapter, out));
        assertTrue(e.getMessage().contains("model.layers.7.self_attn.q_proj") && e.getMessage().contains("does not exist"),
                e.getMessage());
        assertFalse(Files.exists(out));
        assertNoTemporaryFolders();
    }

    @Test
    void refusesAnAdapterWhoseShapeDoesNotFit() throws IOException {
        Path ref = TestPaths.reference("tiny-llama");
        Path adapter = copyAdapter(ref.resolve("adapter"), dir.resolve("adapter"), UnaryOperator.identity(), true);
        UserInputException e = assertThrows(UserInputException.class,
                () -> AdapterMerger.merge(ref, adapter, dir.resolve("merged")));
        assertTrue(e.getMessage().contains("model.layers.0.self_attn.k_proj") && e.getMessage().contains("do not fit"),
                e.getMessage());
    }

    @Test
    void refusesAnExistingNonEmptyOutputAndLeavesItAlone() throws IOException {
        Path ref = TestPaths.reference("tiny-qwen2");
        Path out = Files.createDirectories(dir.resolve("merged"));
        Files.writeString(out.resolve("keep.txt"), "mine");
        UserInputException e = assertThrows(UserInputException.class,
                () -> AdapterMerger.merge(ref, ref.resolve("adapter"), out));
        assertTrue(e.getMessage().contains("exists and is not empty"), e.getMessage());
        assertEquals("mine", Files.readString(out.resolve("keep.txt")));
        try (Stream<Path> files = Files.list(out)) {
            assertEquals(1, files.count());
        }
        assertNoTemporaryFolders();
    }

    @Test
    void commandMergesIntoAnEmptyFolderAndReportsUserErrorsWithExitCode2() throws IOException {
        Path ref = TestPaths.reference("tiny-qwen2");
        Path out = Files.createDirectories(dir.resolve("empty"));
        assertEquals(0, Main.run("merge", "--model", ref.toString(), "--adapter", ref.resolve("adapter").toString(),
                "--out", out.toString()));
        assertTrue(Files.isRegularFile(out.resolve("model.safetensors")));
        assertEquals(2, Main.run("merge", "--model", ref.toString(), "--adapter", ref.resolve("adapter").toString(),
                "--out", out.toString()));
        assertEquals(2, Main.run("merge", "--model", dir.resolve("nothing").toString(), "--adapter",
                ref.resolve("adapter").toString(), "--out", dir.resolve("other").toString()));
        assertNoTemporaryFolders();
    }

    private void assertNoTemporaryFolders() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(), files.filter(p -> p.getFileName().toString().contains(".tmp-")).toList());
        }
    }

    private static int[][] prompts(Path ref) throws IOException {
        JsonNode prompts = JSON.readTree(ref.resolve("reference.json").toFile()).get("prompts");
        int[][] out = new int[prompts.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = new int[prompts.get(i).size()];
            for (int j = 0; j < out[i].length; j++) out[i][j] = prompts.get(i).get(j).asInt();
        }
        return out;
    }

    /**
     * A copy of a model folder with its weights in dtype; with shardOf, split into the shards it
     * names, with an index.
     */
    private static Path copyModel(Path ref, Path to, TensorDtype dtype, UnaryOperator<String> shardOf) throws IOException {
        Files.createDirectories(to);
        Files.copy(ref.resolve("config.json"), to.resolve("config.json"));
        Map<String, SafetensorsWriter> writers = new java.util.TreeMap<>();
        ObjectNode weightMap = JSON.createObjectNode();
        try (SafetensorsFile f = SafetensorsFile.open(ref.resolve("model.safetensors"))) {
            for (TensorInfo info : f.tensors().values()) {
                String file = shardOf == null ? "model.safetensors" : shardOf.apply(info.name());
                writers.computeIfAbsent(file, k -> new SafetensorsWriter().metadata("format", "pt"))
                        .addFloats(info.name(), dtype, info.shape(), f.floats(info.name()));
                weightMap.put(info.name(), file);
            }
        }
        for (Map.Entry<String, SafetensorsWriter> w : writers.entrySet()) w.getValue().write(to.resolve(w.getKey()));
        if (shardOf != null) {
            ObjectNode index = JSON.createObjectNode();
            index.putObject("metadata").put("total_size", 0);
            index.set("weight_map", weightMap);
            JSON.writeValue(to.resolve("model.safetensors.index.json").toFile(), index);
        }
        return to;
    }

    /** A copy of an adapter with its keys renamed, or with layer 0's k_proj lora_A one column short. */
    private static Path copyAdapter(Path adapter, Path to, UnaryOperator<String> rename, boolean wrongShape) throws IOException {
        Files.createDirectories(to);
        Files.copy(adapter.resolve("adapter_config.json"), to.resolve("adapter_config.json"));
        SafetensorsWriter writer = new SafetensorsWriter().metadata("format", "pt");
        try (SafetensorsFile f = SafetensorsFile.open(adapter.resolve("adapter_model.safetensors"))) {
            for (TensorInfo info : f.tensors().values()) {
                float[] values = f.floats(info.name());
                long[] shape = info.shape();
                if (wrongShape && info.name().contains("layers.0.self_attn.k_proj.lora_A")) {
                    shape = new long[] {shape[0], shape[1] - 1};
                    values = java.util.Arrays.copyOf(values, Math.toIntExact(shape[0] * shape[1]));
                }
                writer.addFloats(rename.apply(info.name()), TensorDtype.F32, shape, values);
            }
        }
        writer.write(to.resolve("adapter_model.safetensors"));
        return to;
    }
}
