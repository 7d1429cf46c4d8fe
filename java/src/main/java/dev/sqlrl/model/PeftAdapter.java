package dev.sqlrl.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sqlrl.UserInputException;
import dev.sqlrl.UserJsonFiles;
import dev.sqlrl.model.safetensors.SafetensorsFile;
import dev.sqlrl.model.safetensors.SafetensorsWriter;
import dev.sqlrl.model.safetensors.TensorDtype;
import dev.sqlrl.model.safetensors.TensorInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * LoRA adapters in PEFT's format (adapter_config.json + adapter_model.safetensors, keys
 * "base_model.model.<module>.lora_A.weight"), so that PEFT reads ours and we read PEFT's.
 */
public final class PeftAdapter {
    public static final String CONFIG_FILE = "adapter_config.json";
    public static final String WEIGHTS_FILE = "adapter_model.safetensors";
    static final String KEY_PREFIX = "base_model.model.";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private PeftAdapter() {}

    /** Reads adapter_config.json into a LoraConfig, rejecting PEFT features sqlrl does not implement. */
    public static LoraConfig readConfig(Path adapterDir) {
        Path file = adapterDir.resolve(CONFIG_FILE);
        JsonNode c = UserJsonFiles.read(file);
        if (!"LORA".equals(c.path("peft_type").asText("LORA"))) {
            throw new UserInputException(file + ": peft_type '" + c.path("peft_type").asText() + "' is not supported (LORA only)");
        }
        rejectIfSet(file, c, "use_dora", "use_rslora", "layers_to_transform", "modules_to_save");
        if (!c.path("bias").asText("none").equals("none")) throw new UserInputException(file + ": bias must be 'none'");
        if (c.path("fan_in_fan_out").asBoolean(false)) throw new UserInputException(file + ": fan_in_fan_out is not supported");
        for (String pattern : List.of("rank_pattern", "alpha_pattern")) {
            if (c.path(pattern).isObject() && !c.path(pattern).isEmpty()) {
                throw new UserInputException(file + ": " + pattern + " is not supported");
            }
        }
        if (!c.path("r").canConvertToInt()) throw new UserInputException(file + ": missing integer key 'r'");
        List<LoraTarget> targets = new ArrayList<>();
        JsonNode modules = c.path("target_modules");
        if (!modules.isArray()) {
            throw new UserInputException(file + ": target_modules must be a list of module names, got " + modules);
        }
        for (JsonNode m : modules) {
            for (LoraTarget t : LoraTarget.parseModule(m.asText())) {
                if (!targets.contains(t)) targets.add(t);
            }
        }
        targets.sort(null);
        int r = c.get("r").asInt();
        return new LoraConfig(r, c.path("lora_alpha").asDouble(8), targets, c.path("lora_dropout").asDouble(0));
    }

    private static void rejectIfSet(Path file, JsonNode c, String... keys) {
        for (String key : keys) {
            JsonNode v = c.path(key);
            if (!v.isMissingNode() && !v.isNull() && !(v.isBoolean() && !v.asBoolean())) {
                throw new UserInputException(file + ": " + key + " = " + v + " is not supported");
            }
        }
    }

    /** Attaches adapters shaped by the folder's config to the model and loads their values. */
    public static LoraConfig load(NativeModel model, Path adapterDir) {
        return load(model, adapterDir, readConfig(adapterDir).dropout());
    }

    /**
     * As {@link #load(NativeModel, Path)}, with the given LoRA dropout instead of the file's: dropout is a
     * training setting, so training that continues from an adapter uses its own run's.
     */
    public static LoraConfig load(NativeModel model, Path adapterDir, double dropout) {
        LoraConfig file = readConfig(adapterDir);
        LoraConfig config = new LoraConfig(file.rank(), file.alpha(), file.targets(), dropout);
        model.attachLora(config, 0);
        Path weights = adapterDir.resolve(WEIGHTS_FILE);
        try (SafetensorsFile f = SafetensorsFile.open(weights)) {
            Map<String, String> byModelName = new LinkedHashMap<>();
            for (String key : f.tensors().keySet()) byModelName.put(modelName(weights, key), key);
            for (NativeModel.LoraTensor t : model.loraTensors()) {
                String key = byModelName.remove(t.name());
                if (key == null) throw new UserInputException(weights + " lacks tensor '" + KEY_PREFIX + t.name() + "'");
                TensorInfo info = f.info(key);
                if (info.shape().length != 2 || info.shape()[0] != t.rows() || info.shape()[1] != t.cols()) {
                    throw new UserInputException(weights + " tensor '" + key + "' has shape " + info.shapeString()
                            + ", the model expects [" + t.rows() + ", " + t.cols() + "]");
                }
                model.writeLora(t, NativeModel.LoraBuffer.VALUE, f.floats(key));
            }
            if (!byModelName.isEmpty()) {
                throw new UserInputException(weights + " holds tensors the adapter config does not describe: "
                        + byModelName.values());
            }
        }
        return config;
    }

    /** PEFT key -> native name: strip "base_model.model." and the adapter name PEFT may keep. */
    private static String modelName(Path file, String key) {
        if (!key.startsWith(KEY_PREFIX)) throw new UserInputException(file + " tensor '" + key + "' does not start with '" + KEY_PREFIX + "'");
        return key.substring(KEY_PREFIX.length()).replace(".lora_A.default.weight", ".lora_A.weight")
                .replace(".lora_B.default.weight", ".lora_B.weight");
    }

    /** Writes the model's adapters as PEFT would (fp32 tensors); files appear atomically. */
    public static void save(NativeModel model, LoraConfig config, Path adapterDir, String baseModelNameOrPath) {
        try {
            Files.createDirectories(adapterDir);
            SafetensorsWriter writer = new SafetensorsWriter().metadata("format", "pt");
            for (NativeModel.LoraTensor t : model.loraTensors()) {
                writer.addFloats(KEY_PREFIX + t.name(), TensorDtype.F32, new long[] {t.rows(), t.cols()},
                        model.readLora(t, NativeModel.LoraBuffer.VALUE));
            }
            writer.write(adapterDir.resolve(WEIGHTS_FILE));
            writeConfig(model.config(), config, adapterDir.resolve(CONFIG_FILE), baseModelNameOrPath);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write adapter to " + adapterDir, e);
        }
    }

    static void writeConfig(ModelConfig model, LoraConfig lora, Path file, String baseModelNameOrPath) throws IOException {
        ObjectNode c;
        // The field set of what PEFT writes, so that tools reading the config find every key they expect.
        try (InputStream in = PeftAdapter.class.getResourceAsStream("/peft/adapter_config.template.json")) {
            c = (ObjectNode) JSON.readTree(in);
        }
        ObjectNode mapping = c.putObject("auto_mapping");
        mapping.put("base_model_class", model.architecture().className);
        mapping.put("parent_library", "transformers.models." + model.architecture().modelType + ".modeling_"
                + model.architecture().modelType);
        if (baseModelNameOrPath == null) c.putNull("base_model_name_or_path");
        else c.put("base_model_name_or_path", baseModelNameOrPath);
        c.put("r", lora.rank());
        double alpha = lora.alpha();
        if (alpha == Math.rint(alpha)) c.put("lora_alpha", (long) alpha);
        else c.put("lora_alpha", alpha);
        c.put("lora_dropout", lora.dropout());
        ArrayNode targets = c.putArray("target_modules");
        LoraTarget.moduleNames(lora.targets(), model.architecture() == ModelConfig.Architecture.PHI3).forEach(targets::add);
        c.put("inference_mode", true);
        Path tmp = dev.sqlrl.DurableFiles.newTempFile(file.toAbsolutePath().getParent(), "." + CONFIG_FILE + ".");
        try {
            JSON.writeValue(tmp.toFile(), c);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
