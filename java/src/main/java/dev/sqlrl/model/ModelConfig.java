package dev.sqlrl.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sqlrl.UserInputException;
import dev.sqlrl.UserJsonFiles;
import dev.sqlrl.bindings.SqlrlNative;
import dev.sqlrl.model.bnb.BnbQuantizationConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The parts of a Hugging Face config.json that the native model needs. Reads both layouts:
 * the older top-level `rope_theta` and the newer `rope_parameters` object. Families: Qwen2, Llama
 * (Llama 2/3.x, CodeLlama), Qwen3, Mistral and Phi-3 (4k); what sqlrl does not implement for them
 * (other RoPE scalings, biases where the family has none, partial rotary, another activation) is
 * refused in one line naming the key.
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
        Integer bosTokenId,
        RopeScaling ropeScaling,
        int slidingWindow,
        BnbQuantizationConfig quantization) {

    /** A config of plain RoPE, full attention and unquantized weights. */
    public ModelConfig(Architecture architecture, int vocabSize, int hiddenSize, int intermediateSize, int numLayers,
            int numHeads, int numKvHeads, int headDim, double ropeTheta, double rmsNormEps, boolean tieWordEmbeddings,
            List<Integer> eosTokenIds, Integer bosTokenId) {
        this(architecture, vocabSize, hiddenSize, intermediateSize, numLayers, numHeads, numKvHeads, headDim, ropeTheta,
                rmsNormEps, tieWordEmbeddings, eosTokenIds, bosTokenId, null, 0, null);
    }

    public enum Architecture {
        QWEN2("qwen2", "Qwen2ForCausalLM", SqlrlNative.ARCH_QWEN2),
        LLAMA("llama", "LlamaForCausalLM", SqlrlNative.ARCH_LLAMA),
        QWEN3("qwen3", "Qwen3ForCausalLM", SqlrlNative.ARCH_QWEN3),
        /** Llama's blocks with a sliding-window attention mask. */
        MISTRAL("mistral", "MistralForCausalLM", SqlrlNative.ARCH_LLAMA),
        /** Llama's blocks; qkv_proj and gate_up_proj fused in the files and in PEFT's adapters. */
        PHI3("phi3", "Phi3ForCausalLM", SqlrlNative.ARCH_PHI3);

        public final String modelType;
        public final String className;
        final int nativeCode;

        Architecture(String modelType, String className, int nativeCode) {
            this.modelType = modelType;
            this.className = className;
            this.nativeCode = nativeCode;
        }

        /** Whether the family reads `sliding_window` (Qwen2/Qwen3 instead gate theirs with `use_sliding_window`). */
        boolean readsSlidingWindow() {
            return this == MISTRAL || this == PHI3;
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
                    + "'); supported: qwen2, llama, qwen3, mistral, phi3");
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
        if (arch != Architecture.QWEN2 && root.path("attention_bias").asBoolean(false)) {
            throw new UserInputException(where + ": attention_bias = true is not supported for " + arch.modelType);
        }
        refuseUnsupported(root, arch, where);
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
                root.path("rms_norm_eps").asDouble(arch == Architecture.PHI3 ? 1e-5 : 1e-6),
                root.path("tie_word_embeddings").asBoolean(false),
                tokenIds(root.path("eos_token_id")),
                root.hasNonNull("bos_token_id") ? root.get("bos_token_id").asInt() : null,
                RopeScaling.parse(root, where),
                slidingWindow(root, arch, where),
                BnbQuantizationConfig.parse(root, where));
    }

    /** The keys of these families that would change the math in ways sqlrl does not implement. */
    private static void refuseUnsupported(JsonNode root, Architecture arch, String where) {
        if (root.path("mlp_bias").asBoolean(false)) {
            throw new UserInputException(where + ": mlp_bias = true is not supported for " + arch.modelType);
        }
        String act = root.path("hidden_act").asText("silu");
        if (!act.equals("silu")) {
            throw new UserInputException(where + ": hidden_act '" + act + "' is not supported (silu only)");
        }
        JsonNode partial = root.get("partial_rotary_factor");
        if (partial != null && !partial.isNull() && partial.asDouble() != 1.0) {
            throw new UserInputException(where + ": partial_rotary_factor " + partial + " is not supported (1.0 only)");
        }
        if (!arch.readsSlidingWindow() && root.path("use_sliding_window").asBoolean(false)) {
            throw new UserInputException(where + ": use_sliding_window = true is not supported for " + arch.modelType
                    + " (its per-layer windows, max_window_layers, are not implemented)");
        }
        for (JsonNode type : root.path("layer_types")) {  // transformers 5: one attention type per layer
            if (!type.asText().equals("full_attention") && !(arch.readsSlidingWindow() && type.asText().equals("sliding_attention"))) {
                throw new UserInputException(where + ": layer_types entry '" + type.asText() + "' is not supported for "
                        + arch.modelType + " (full_attention only)");
            }
        }
    }

    /** Mistral's / Phi-3's `sliding_window` (null or absent: full attention); 0 for the other families. */
    private static int slidingWindow(JsonNode root, Architecture arch, String where) {
        if (!arch.readsSlidingWindow() || !root.hasNonNull("sliding_window")) return 0;
        return positiveInt(root, "sliding_window", where);
    }

    private static double ropeTheta(JsonNode root, String where) {
        JsonNode params = root.path("rope_parameters");
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
