package dev.sqlrl.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sqlrl.UserInputException;
import dev.sqlrl.UserJsonFiles;
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
                TensorInfo info = f.info(e.getKey());
                if (!Arrays.equals(info.shape(), e.getValue())) {
                    throw new UserInputException(f.path() + " tensor '" + e.getKey() + "' has shape " + info.shapeString()
                            + " but config.json implies " + Arrays.toString(e.getValue()));
                }
                model.setWeight(e.getKey(), f.segment(e.getKey()), info.dtype(), info.shape());
            }
            for (String name : owner.keySet()) {
                boolean tiedHead = name.equals("lm_head.weight") && config.tieWordEmbeddings();
                if (!expected.containsKey(name) && !tiedHead && IGNORABLE_SUFFIXES.stream().noneMatch(name::endsWith)) {
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
