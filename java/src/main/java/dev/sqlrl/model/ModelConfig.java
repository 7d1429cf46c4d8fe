package dev.sqlrl.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sqlrl.UserInputException;
import dev.sqlrl.UserJsonFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The parts of a Hugging Face config.json that the native model needs. Reads both layouts:
 * the older top-level `rope_theta` and the newer `rope_parameters` object.
 */
public record ModelConfig(
        Architecture architecture,
        int vocabSize,
        int hiddenSize,
        int intermediateSize,
        int numLayers,
        int numHeads,
        int numKvHeads,
        int headDim,
        double ropeTheta,
        double rmsNormEps,
        boolean tieWordEmbeddings,
        List<Integer> eosTokenIds,
        Integer bosTokenId) {

    public enum Architecture {
        QWEN2("qwen2", "Qwen2ForCausalLM"),
        LLAMA("llama", "LlamaForCausalLM");

        public final String modelType;
        public final String className;

        Architecture(String modelType, String className) {
            this.modelType = modelType;
            this.className = className;
        }

        public static Architecture parse(String name) {
            for (Architecture a : values()) {
                if (a.modelType.equalsIgnoreCase(name) || a.className.equalsIgnoreCase(name)) return a;
            }
            return null;
        }
    }

    public static ModelConfig read(Path modelDir) {
        Path file = modelDir.resolve("config.json");
        if (!Files.isRegularFile(file)) {
            throw new UserInputException("missing file: " + file + " (is " + modelDir + " a Hugging Face model folder?)");
        }
        return parse(UserJsonFiles.read(file), file.toString());
    }

    static ModelConfig parse(JsonNode root, String where) {
        String modelType = root.path("model_type").asText("");
        Architecture arch = Architecture.parse(modelType);
        if (arch == null && root.path("architectures").isArray() && !root.path("architectures").isEmpty()) {
            arch = Architecture.parse(root.path("architectures").get(0).asText());
        }
        if (arch == null) {
            throw new UserInputException(where + ": unknown architecture (model_type '" + modelType
                    + "'); supported: qwen2, llama");
        }
        int hidden = positiveInt(root, "hidden_size", where);
        int heads = positiveInt(root, "num_attention_heads", where);
        int kvHeads = root.has("num_key_value_heads") && !root.get("num_key_value_heads").isNull()
                ? positiveInt(root, "num_key_value_heads", where) : heads;
        if (heads % kvHeads != 0) {
            throw new UserInputException(where + ": num_attention_heads " + heads
                    + " is not a multiple of num_key_value_heads " + kvHeads);
        }
        int headDim = root.hasNonNull("head_dim") ? positiveInt(root, "head_dim", where) : hidden / heads;
        if (!root.hasNonNull("head_dim") && hidden % heads != 0) {
            throw new UserInputException(where + ": hidden_size " + hidden + " is not a multiple of num_attention_heads " + heads);
        }
        if (headDim % 2 != 0) throw new UserInputException(where + ": head_dim " + headDim + " must be even for RoPE");
        if (arch == Architecture.LLAMA && root.path("attention_bias").asBoolean(false)) {
            throw new UserInputException(where + ": attention_bias = true is not supported for llama");
        }
        return new ModelConfig(
                arch,
                positiveInt(root, "vocab_size", where),
                hidden,
                positiveInt(root, "intermediate_size", where),
                positiveInt(root, "num_hidden_layers", where),
                heads,
                kvHeads,
                headDim,
                ropeTheta(root, where),
                root.path("rms_norm_eps").asDouble(1e-6),
                root.path("tie_word_embeddings").asBoolean(false),
                tokenIds(root.path("eos_token_id")),
                root.hasNonNull("bos_token_id") ? root.get("bos_token_id").asInt() : null);
    }

    private static double ropeTheta(JsonNode root, String where) {
        JsonNode params = root.path("rope_parameters");
        JsonNode scaling = params.isObject() ? params : root.path("rope_scaling");
        if (scaling.isObject()) {
            String type = scaling.path("rope_type").asText(scaling.path("type").asText("default"));
            if (!type.toLowerCase(Locale.ROOT).equals("default")) {
                throw new UserInputException(where + ": rope_type '" + type + "' is not supported (only 'default')");
            }
        }
        if (params.isObject() && params.has("rope_theta")) return params.get("rope_theta").asDouble();
        return root.path("rope_theta").asDouble(10000.0);
    }

    private static List<Integer> tokenIds(JsonNode node) {
        List<Integer> ids = new ArrayList<>();
        if (node.isInt()) ids.add(node.asInt());
        if (node.isArray()) node.forEach(n -> ids.add(n.asInt()));
        return List.copyOf(ids);
    }

    private static int positiveInt(JsonNode root, String key, String where) {
        JsonNode n = root.get(key);
        if (n == null || n.isNull()) throw new UserInputException(where + ": missing key '" + key + "'");
        if (!n.canConvertToInt() || n.asInt() <= 0) {
            throw new UserInputException(where + ": key '" + key + "' must be a positive integer, got " + n);
        }
        return n.asInt();
    }
}
