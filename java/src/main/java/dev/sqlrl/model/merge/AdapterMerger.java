package dev.sqlrl.model.merge;

import dev.sqlrl.UserInputException;
import dev.sqlrl.model.LoraConfig;
import dev.sqlrl.model.LoraTarget;
import dev.sqlrl.model.ModelConfig;
import dev.sqlrl.model.ModelLoader;
import dev.sqlrl.model.PeftAdapter;
import dev.sqlrl.model.WeightLayout;
import dev.sqlrl.model.bnb.Bnb4bitWeight;
import dev.sqlrl.model.safetensors.SafetensorsFile;
import dev.sqlrl.model.safetensors.SafetensorsWriter;
import dev.sqlrl.model.safetensors.TensorDtype;
import dev.sqlrl.model.safetensors.TensorInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Merges a PEFT LoRA adapter into its base model and writes a plain Hugging Face model folder:
 * W' = W + (alpha / r) * B @ A for every adapted module, computed in float and rounded once to the
 * base weight's dtype (F32, BF16 or F16); every other tensor is copied byte for byte; the weight
 * files keep their names (sharded stays sharded, with its index) and their metadata. config.json,
 * the tokenizer files and the other files of the base folder are copied; other weight formats
 * (.bin, .pt, ...) and subfolders are not.
 *
 * <p>A bitsandbytes 4-bit base (a *-bnb-4bit folder) is written as a plain bf16 model: its 4-bit weights are
 * dequantized with the file's own tables (merged or not), their quant-state tensors dropped, and
 * quantization_config removed from config.json (and from the shard index's weight map).
 *
 * <p>Everything is checked before anything is written, and the folder appears atomically (written
 * into a temporary sibling, then renamed). Memory: one weight file's tensors at a time.
 */
public final class AdapterMerger {
    private static final String SINGLE_FILE = "model.safetensors";
    private static final String INDEX_FILE = "model.safetensors.index.json";
    /** Weight files of other formats: copying them would ship the unmerged weights beside the merged ones. */
    private static final Set<String> OTHER_WEIGHT_SUFFIXES = Set.of(".safetensors", ".bin", ".pt", ".pth", ".ckpt",
            ".h5", ".msgpack", ".gguf", ".onnx");

    private AdapterMerger() {}

    public static MergeSummary merge(Path modelDir, Path adapterDir, Path outDir) {
        if (!Files.isDirectory(modelDir)) throw new UserInputException("model folder not found: " + modelDir);
        if (!Files.isDirectory(adapterDir)) throw new UserInputException("adapter folder not found: " + adapterDir);
        requireEmptyOrAbsent(outDir);
        ModelConfig config = ModelConfig.read(modelDir); // a clear error when modelDir is not a Hugging Face model folder
        LoraConfig lora = PeftAdapter.readConfig(adapterDir);
        float scale = (float) (lora.alpha() / lora.rank());
        List<SafetensorsFile> weightFiles = ModelLoader.openWeightFiles(modelDir);
        Map<String, SafetensorsFile> owner = new HashMap<>();
        for (SafetensorsFile f : weightFiles) for (String name : f.tensors().keySet()) owner.put(name, f);
        Map<String, long[]> expectedShapes = WeightLayout.expected(config);
        try (SafetensorsFile adapter = SafetensorsFile.open(adapterDir.resolve(PeftAdapter.WEIGHTS_FILE))) {
            Map<String, AdapterModules.LoraModule> byBaseWeight = checkedModules(adapter, lora, weightFiles, modelDir,
                    name -> Bnb4bitWeight.isQuantized(owner, name) ? expectedShapes.get(name) : null);
            Path parent = outDir.toAbsolutePath().normalize().getParent();
            Files.createDirectories(parent);
            Path tmp = dev.sqlrl.DurableFiles.newTempDirectory(parent, "." + outDir.getFileName() + ".tmp-");
            try {
                List<String> merged = new ArrayList<>();
                List<String> dequantized = new ArrayList<>();
                int copied = 0;
                List<Path> written = new ArrayList<>();
                for (SafetensorsFile file : weightFiles) {
                    SafetensorsWriter writer = new SafetensorsWriter();
                    file.metadata().forEach(writer::metadata);
                    if (!file.metadata().containsKey("format")) writer.metadata("format", "pt");
                    for (TensorInfo info : file.tensors().values()) {
                        AdapterModules.LoraModule module = byBaseWeight.get(info.name());
                        if (Bnb4bitWeight.isAuxiliary(info.name())) continue;  // quant state of a weight written in bf16
                        if (Bnb4bitWeight.isQuantized(owner, info.name())) {
                            long[] shape = expectedShapes.get(info.name());
                            if (shape == null) {
                                throw new UserInputException(file.path() + " holds '" + info.name() + "' 4-bit quantized, which "
                                        + modelDir.resolve("config.json") + " does not describe");
                            }
                            float[] values = Bnb4bitWeight.read(owner, info.name(), shape).dequantize();
                            if (module != null) addDelta(values, shape, adapter, module, lora.rank(), scale);
                            writer.addFloats(info.name(), TensorDtype.BF16, shape, values);
                            (module != null ? merged : dequantized).add(info.name());
                        } else if (module == null) {
                            writer.add(info.name(), info.dtype(), info.shape(), file.segment(info.name()).toArray(ValueLayout.JAVA_BYTE));
                            copied++;
                        } else {
                            writer.addFloats(info.name(), info.dtype(), info.shape(), mergedWeight(file, info, adapter, module,
                                    lora.rank(), scale));
                            merged.add(info.name());
                        }
                    }
                    Path target = tmp.resolve(file.path().getFileName().toString());
                    writer.write(target);
                    written.add(outDir.resolve(target.getFileName()));
                }
                if (!Files.isRegularFile(modelDir.resolve(SINGLE_FILE))) {
                    Files.copy(modelDir.resolve(INDEX_FILE), tmp.resolve(INDEX_FILE));
                }
                List<Path> others = copyOtherFiles(modelDir, tmp, outDir);
                if (config.quantization() != null) Bnb4bitExport.unquantizeFolder(tmp);
                publish(tmp, outDir);
                return new MergeSummary(outDir, merged, copied + dequantized.size(), written, others);
            } catch (IOException | RuntimeException e) {
                try {
                    deleteTree(tmp);
                } catch (UncheckedIOException cleanup) {
                    e.addSuppressed(cleanup);
                }
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the merged model to " + outDir, e);
        } finally {
            weightFiles.forEach(SafetensorsFile::close);
        }
    }

    /** Pairs each adapter module with the base weight it changes, refusing any that does not fit the model. */
    private static Map<String, AdapterModules.LoraModule> checkedModules(SafetensorsFile adapter, LoraConfig lora,
                                                                        List<SafetensorsFile> weightFiles, Path modelDir,
                                                                        Function<String, long[]> quantizedShape) {
        Map<String, TensorInfo> baseTensors = new HashMap<>();
        for (SafetensorsFile f : weightFiles) baseTensors.putAll(f.tensors());
        Path adapterConfig = adapter.path().resolveSibling(PeftAdapter.CONFIG_FILE);
        Map<String, AdapterModules.LoraModule> byBaseWeight = new HashMap<>();
        for (AdapterModules.LoraModule module : AdapterModules.read(adapter).values()) {
            String where = adapter.path() + " module '" + module.module() + "'";
            String type = module.module().substring(module.module().lastIndexOf('.') + 1);
            if (!LoraTarget.covers(lora.targets(), type)) {
                throw new UserInputException(where + ": " + adapterConfig + " target_modules "
                        + lora.targets().stream().map(t -> t.moduleName).toList() + " do not include '" + type + "'");
            }
            TensorInfo base = baseTensors.get(module.baseWeight());
            if (base == null) {
                throw new UserInputException(where + " does not exist in the model: " + modelDir + " has no tensor '"
                        + module.baseWeight() + "'");
            }
            long[] w = quantizedShape.apply(base.name());
            if (w == null && base.dtype() != TensorDtype.F32 && base.dtype() != TensorDtype.BF16 && base.dtype() != TensorDtype.F16) {
                throw new UserInputException(where + ": base weight '" + base.name() + "' has dtype " + base.dtype()
                        + "; only F32, BF16 and F16 checkpoints and bitsandbytes 4-bit ones can be merged");
            }
            if (w == null) w = base.shape();
            long[] a = adapter.info(module.aKey()).shape();
            long[] b = adapter.info(module.bKey()).shape();
            boolean fits = w.length == 2 && a.length == 2 && b.length == 2 && a[0] == lora.rank() && a[1] == w[1]
                    && b[0] == w[0] && b[1] == lora.rank();
            if (!fits) {
                throw new UserInputException(where + ": lora_A " + shape(a) + " and lora_B " + shape(b) + " do not fit base weight '"
                        + base.name() + "' " + shape(w) + " at rank " + lora.rank() + " (expected lora_A [" + lora.rank()
                        + ", in] and lora_B [out, " + lora.rank() + "])");
            }
            byBaseWeight.put(module.baseWeight(), module);
        }
        return byBaseWeight;
    }

    private static float[] mergedWeight(SafetensorsFile file, TensorInfo info, SafetensorsFile adapter,
                                        AdapterModules.LoraModule module, int rank, float scale) {
        float[] weight = file.floats(info.name());
        addDelta(weight, info.shape(), adapter, module, rank, scale);
        return weight;
    }

    private static void addDelta(float[] weight, long[] shape, SafetensorsFile adapter, AdapterModules.LoraModule module,
                                 int rank, float scale) {
        LoraDelta.addTo(weight, Math.toIntExact(shape[0]), Math.toIntExact(shape[1]), adapter.floats(module.aKey()),
                adapter.floats(module.bKey()), rank, scale);
    }

    private static List<Path> copyOtherFiles(Path modelDir, Path tmp, Path outDir) throws IOException {
        List<Path> copied = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(modelDir)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                String lower = name.toLowerCase(Locale.ROOT);
                boolean weights = name.equals(INDEX_FILE) || OTHER_WEIGHT_SUFFIXES.stream().anyMatch(lower::endsWith)
                        || lower.endsWith(".index.json");
                if (Files.isRegularFile(entry) && !weights) {
                    Files.copy(entry, tmp.resolve(name));
                    copied.add(outDir.resolve(name));
                }
            }
        }
        copied.sort(Comparator.naturalOrder());
        return copied;
    }

    private static void requireEmptyOrAbsent(Path outDir) {
        if (!Files.exists(outDir)) return;
        if (!Files.isDirectory(outDir)) throw new UserInputException("output " + outDir + " exists and is not a folder");
        try (Stream<Path> entries = Files.list(outDir)) {
            if (entries.findAny().isPresent()) {
                throw new UserInputException("output folder " + outDir + " exists and is not empty");
            }
        } catch (IOException e) {
            throw new UserInputException("cannot read output folder " + outDir + ": " + e.getMessage(), e);
        }
    }

    /** Renames the finished temporary folder to its name; an empty folder already there gives way. */
    private static void publish(Path tmp, Path outDir) throws IOException {
        requireEmptyOrAbsent(outDir);
        Files.deleteIfExists(outDir);
        Files.move(tmp, outDir, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void deleteTree(Path dir) {
        try {
            dev.sqlrl.DurableFiles.deleteRecursively(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the temporary folder " + dir, e);
        }
    }

    private static String shape(long[] shape) {
        return Arrays.toString(shape);
    }
}
