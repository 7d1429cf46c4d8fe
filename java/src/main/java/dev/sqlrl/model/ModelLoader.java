package dev.sqlrl.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sqlrl.UserInputException;
import dev.sqlrl.UserJsonFiles;
import dev.sqlrl.model.bnb.Bnb4bitWeight;
import dev.sqlrl.model.safetensors.SafetensorsFile;
import dev.sqlrl.model.safetensors.TensorInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Loads a Hugging Face model folder (config.json + model.safetensors, or shards listed in
 * model.safetensors.index.json) into a native model. Files are memory-mapped and handed to native
 * code without a copy; names and shapes are checked here first so errors name the file and tensor.
 * Phi-3's fused qkv_proj / gate_up_proj are handed over as row slices (q, k, v; gate, up); the weights of
 * a bitsandbytes 4-bit checkpoint as their stored NF4 codes (see {@link Bnb4bitWeight}).
 */
public final class ModelLoader {
    /** Tensors HF checkpoints may carry that the model does not use. */
    private static final Set<String> IGNORABLE_SUFFIXES = Set.of("rotary_emb.inv_freq");

    private ModelLoader() {}

    public static NativeModel load(Path modelDir, WeightMode mode, Device device) {
        return load(modelDir, mode, device, false);
    }

    public static NativeModel load(Path modelDir, WeightMode mode, Device device, boolean doubleQuant) {
        if (!Files.isDirectory(modelDir)) throw new UserInputException("model folder not found: " + modelDir);
        ModelConfig config = ModelConfig.read(modelDir);
        Map<String, long[]> expected = WeightLayout.expected(config);
        List<SafetensorsFile> files = openWeightFiles(modelDir);
        NativeModel model = NativeModel.create(config, mode, device, doubleQuant);
        try {
            Map<String, SafetensorsFile> owner = new LinkedHashMap<>();
            for (SafetensorsFile f : files) for (String name : f.tensors().keySet()) owner.put(name, f);
            for (Map.Entry<String, long[]> e : expected.entrySet()) {
                SafetensorsFile f = owner.get(e.getKey());
                if (f == null) {
                    throw new UserInputException("tensor '" + e.getKey() + "' required by " + modelDir.resolve("config.json")
                            + " is missing from " + (files.size() == 1 ? files.get(0).path() : "the weight files of " + modelDir));
                }
                if (Bnb4bitWeight.isQuantized(owner, e.getKey())) {
                    if (config.quantization() == null) {
                        throw new UserInputException(f.path() + " holds '" + e.getKey() + "' 4-bit quantized, but "
                                + modelDir.resolve("config.json") + " has no quantization_config");
                    }
                    uploadQuantized(model, config, f, Bnb4bitWeight.read(owner, e.getKey(), e.getValue()));
                    continue;
                }
                TensorInfo info = f.info(e.getKey());
                if (!Arrays.equals(info.shape(), e.getValue())) {
                    throw new UserInputException(f.path() + " tensor '" + e.getKey() + "' has shape " + info.shapeString()
                            + " but config.json implies " + Arrays.toString(e.getValue()));
                }
                for (WeightLayout.Part part : WeightLayout.parts(config, e.getKey())) {
                    if (part.whole()) {
                        model.setWeight(e.getKey(), f.segment(e.getKey()), info.dtype(), info.shape());
                    } else {
                        long rowBytes = info.shape()[1] * info.dtype().bytes();
                        model.setWeight(part.nativeName(), f.segment(e.getKey()).asSlice(part.firstRow() * rowBytes,
                                part.rows() * rowBytes), info.dtype(), new long[] {part.rows(), info.shape()[1]});
                    }
                }
            }
            for (String name : owner.keySet()) {
                boolean tiedHead = name.equals("lm_head.weight") && config.tieWordEmbeddings();
                boolean quantState = Bnb4bitWeight.isAuxiliary(name);
                if (!expected.containsKey(name) && !tiedHead && !quantState
                        && IGNORABLE_SUFFIXES.stream().noneMatch(name::endsWith)) {
                    throw new UserInputException(owner.get(name).path() + " holds tensor '" + name
                            + "', which a " + config.architecture().modelType + " model of this config.json does not have");
                }
            }
            model.finalizeWeights();
            return model;
        } catch (RuntimeException e) {
            model.close();
            throw e;
        } finally {
            files.forEach(SafetensorsFile::close);
        }
    }

    /** A 4-bit weight, whole or (Phi-3's fused projections) as row slices of its codes and absmax. */
    private static void uploadQuantized(NativeModel model, ModelConfig config, SafetensorsFile f, Bnb4bitWeight w) {
        long cols = w.shape()[1];
        for (WeightLayout.Part part : WeightLayout.parts(config, w.name())) {
            long rows = part.whole() ? w.shape()[0] : part.rows();
            long first = part.firstRow() * cols;
            if (first % w.blockSize() != 0 || rows * cols % w.blockSize() != 0) {
                throw new UserInputException(f.path() + " tensor '" + w.name() + "': its part " + part.nativeName()
                        + " does not start and end on a 4-bit block of " + w.blockSize() + " values");
            }
            float[] absmax = Arrays.copyOfRange(w.absmax(), (int) (first / w.blockSize()),
                    (int) ((first + rows * cols) / w.blockSize()));
            try {
                model.setNf4Weight(part.nativeName(), w.codes().asSlice(first / 2, rows * cols / 2), absmax, w.codeBook(),
                        w.blockSize(), new long[] {rows, cols});
            } catch (InvalidNativeArgumentException e) {
                throw new UserInputException(f.path() + ": " + e.getMessage());
            }
        }
    }

    /** The weight files of a model folder, opened (model.safetensors, or the shards its index lists); the caller closes them. */
    public static List<SafetensorsFile> openWeightFiles(Path modelDir) {
        Path single = modelDir.resolve("model.safetensors");
        if (Files.isRegularFile(single)) return List.of(SafetensorsFile.open(single));
        Path index = modelDir.resolve("model.safetensors.index.json");
        if (!Files.isRegularFile(index)) {
            throw new UserInputException("missing file: " + single + " (nor " + index.getFileName() + " for sharded weights)");
        }
        JsonNode map = UserJsonFiles.read(index).path("weight_map");
        if (!map.isObject()) throw new UserInputException(index + " has no weight_map object");
        List<String> shards = new ArrayList<>();
        map.fields().forEachRemaining(e -> {
            if (!shards.contains(e.getValue().asText())) shards.add(e.getValue().asText());
        });
        List<SafetensorsFile> files = new ArrayList<>();
        try {
            for (String shard : shards) files.add(SafetensorsFile.open(modelDir.resolve(shard)));
        } catch (RuntimeException e) {
            files.forEach(SafetensorsFile::close);
            throw e;
        }
        return files;
    }
}
