package dev.sqlrl.model.init;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sqlrl.UserInputException;
import dev.sqlrl.model.ModelConfig;
import dev.sqlrl.model.WeightLayout;
import dev.sqlrl.model.safetensors.SafetensorsWriter;
import dev.sqlrl.model.safetensors.TensorDtype;
import dev.sqlrl.model.tokenizer.ByteLevelBpeTrainer;
import dev.sqlrl.model.tokenizer.TokenizerFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Creates a Hugging Face model folder with random weights and a byte-level BPE tokenizer trained
 * on English questions and SQL: what tests and the CPU demo run on, since no weights can be downloaded.
 */
public final class ModelInitializer {
    public static final List<String> SPECIAL_TOKENS = List.of("<|endoftext|>", "<|im_start|>", "<|im_end|>");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final int MAX_POSITIONS = 2048;
    /**
     * Embedding (and LM head) scale, as a multiple of 1 / sqrt(hidden): the logits are the final RMS-normed
     * hidden state (norm sqrt(hidden)) dotted with a token's embedding, so with HF's 0.02 a frozen random
     * model's logits could never exceed 0.02 * hidden (2.6 at hidden 128): its LoRA adapters could not
     * make any token likelier than ~1.5% over a 1k vocabulary. At 2 / sqrt(hidden) they can reach 2 sqrt(hidden).
     */
    private static final double EMBEDDING_SCALE = 2.0;
    /**
     * Linear weights are LeCun-scaled (1 / sqrt(fan_in)), so that a LoRA update of one projection changes
     * the composed paths (e.g. o_proj after v_proj) to first order; the projections that write into the
     * residual stream (o_proj, down_proj) are this much smaller, so that the untrained layers leave each
     * position's token embedding readable instead of drowning it in random features.
     */
    private static final double RESIDUAL_OUTPUT_SCALE = 0.1;
    /**
     * RoPE base of both architectures. Qwen2's 1e6 is for 32k-token contexts: at a few hundred tokens it
     * leaves most rotary frequencies nearly still, and a tiny model then has little to tell nearby positions by.
     */
    private static final double ROPE_THETA = 10_000.0;

    public record Options(ModelFamily family, ModelSize size, Path out, Path corpus, int vocabSize, long seed) {
        public Options(ModelConfig.Architecture arch, ModelSize size, Path out, Path corpus, int vocabSize, long seed) {
            this(ModelFamily.of(arch), size, out, corpus, vocabSize, seed);
        }
    }

    private ModelInitializer() {}

    public static ModelConfig create(Options o) {
        try {
            if (Files.exists(o.out()) && !isEmptyDir(o.out())) {
                throw new UserInputException("output folder " + o.out() + " exists and is not empty");
            }
            Files.createDirectories(o.out());
            ByteLevelBpeTrainer.Vocabulary vocab = ByteLevelBpeTrainer.train(readCorpus(o.corpus()),
                    o.vocabSize() > 0 ? o.vocabSize() : o.size().defaultVocab, SPECIAL_TOKENS);
            // Embedding rows padded to a multiple of 64, as real checkpoints do.
            int vocabSize = (vocab.vocab().size() + 63) / 64 * 64;
            ModelSize s = o.size();
            int imEnd = vocab.vocab().get("<|im_end|>");
            int endOfText = vocab.vocab().get("<|endoftext|>");
            ModelFamily f = o.family();
            ModelConfig config = new ModelConfig(f.architecture, vocabSize, s.hidden, s.intermediate, s.layers, s.heads,
                    s.kvHeads, s.hidden / s.heads, f.ropeTheta > 0 ? f.ropeTheta : ROPE_THETA, 1e-6, f.tiedEmbeddings,
                    List.of(imEnd, endOfText), null, f.ropeScaling, 0, null);
            TokenizerFiles.writeTokenizerJson(vocab, o.out().resolve("tokenizer.json"));
            TokenizerFiles.writeTokenizerConfig(vocab, "<|im_end|>", "<|endoftext|>", MAX_POSITIONS,
                    o.out().resolve("tokenizer_config.json"));
            writeConfig(config, endOfText, o.out().resolve("config.json"));
            writeGenerationConfig(config, endOfText, o.out().resolve("generation_config.json"));
            writeWeights(config, o.seed(), o.out().resolve("model.safetensors"));
            return config;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write model to " + o.out(), e);
        }
    }

    private static boolean isEmptyDir(Path p) throws IOException {
        if (!Files.isDirectory(p)) return false;
        try (var s = Files.list(p)) {
            return s.findAny().isEmpty();
        }
    }

    static List<String> readCorpus(Path corpus) throws IOException {
        String text;
        if (corpus != null) {
            if (!Files.isRegularFile(corpus)) throw new UserInputException("tokenizer corpus not found: " + corpus);
            text = Files.readString(corpus, StandardCharsets.UTF_8);
        } else {
            try (InputStream in = ModelInitializer.class.getResourceAsStream("/init/tokenizer-corpus.txt")) {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        }
        List<String> lines = new ArrayList<>(List.of(text.split("\n")));
        if (lines.stream().allMatch(String::isBlank)) throw new UserInputException("tokenizer corpus " + corpus + " is empty");
        return lines;
    }

    private static void writeConfig(ModelConfig c, int padId, Path file) throws IOException {
        ObjectNode n = JSON.createObjectNode();
        n.putArray("architectures").add(c.architecture().className);
        n.put("model_type", c.architecture().modelType);
        n.put("hidden_act", "silu");
        n.put("hidden_size", c.hiddenSize());
        n.put("intermediate_size", c.intermediateSize());
        n.put("num_hidden_layers", c.numLayers());
        n.put("num_attention_heads", c.numHeads());
        n.put("num_key_value_heads", c.numKvHeads());
        n.put("head_dim", c.headDim());
        n.put("vocab_size", c.vocabSize());
        n.put("max_position_embeddings", MAX_POSITIONS);
        n.put("rope_theta", c.ropeTheta());
        if (c.ropeScaling() != null) {
            ObjectNode scaling = n.putObject("rope_scaling");
            scaling.put("rope_type", "llama3");
            scaling.put("factor", c.ropeScaling().factor());
            scaling.put("low_freq_factor", c.ropeScaling().lowFreqFactor());
            scaling.put("high_freq_factor", c.ropeScaling().highFreqFactor());
            scaling.put("original_max_position_embeddings", c.ropeScaling().originalMaxPositionEmbeddings());
        }
        n.put("rms_norm_eps", c.rmsNormEps());
        n.put("tie_word_embeddings", c.tieWordEmbeddings());
        n.put("attention_dropout", 0.0);
        n.put("initializer_range", 1.0 / Math.sqrt(c.hiddenSize()));
        switch (c.architecture()) {
            case LLAMA -> {
                n.put("attention_bias", false);
                n.put("mlp_bias", false);
            }
            case QWEN2 -> n.put("use_sliding_window", false);
            case QWEN3 -> {
                n.put("attention_bias", false);
                n.put("use_sliding_window", false);
            }
            case MISTRAL, PHI3 -> n.putNull("sliding_window");  // full attention, as Mistral v0.2+
        }
        n.putNull("bos_token_id");
        ArrayNode eos = n.putArray("eos_token_id");
        c.eosTokenIds().forEach(eos::add);
        n.put("pad_token_id", padId);
        n.put("torch_dtype", "float32");
        n.put("use_cache", true);
        JSON.writeValue(file.toFile(), n);
    }

    private static void writeGenerationConfig(ModelConfig c, int padId, Path file) throws IOException {
        ObjectNode n = JSON.createObjectNode();
        ArrayNode eos = n.putArray("eos_token_id");
        c.eosTokenIds().forEach(eos::add);
        n.put("pad_token_id", padId);
        n.put("do_sample", false);
        JSON.writeValue(file.toFile(), n);
    }

    private static void writeWeights(ModelConfig c, long seed, Path file) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        SafetensorsWriter writer = new SafetensorsWriter().metadata("format", "pt");
        for (Map.Entry<String, long[]> e : WeightLayout.expected(c).entrySet()) {
            long n = 1;
            for (long d : e.getValue()) n *= d;
            float[] values = new float[Math.toIntExact(n)];
            String name = e.getKey();
            if (name.endsWith("norm.weight")) {
                java.util.Arrays.fill(values, 1f);
            } else if (!name.endsWith(".bias")) {
                boolean embedding = name.equals("model.embed_tokens.weight") || name.equals("lm_head.weight");
                long fanIn = e.getValue()[e.getValue().length - 1];
                boolean residualOutput = name.endsWith("o_proj.weight") || name.endsWith("down_proj.weight");
                double std = embedding ? EMBEDDING_SCALE / Math.sqrt(c.hiddenSize())
                        : (residualOutput ? RESIDUAL_OUTPUT_SCALE : 1.0) / Math.sqrt(fanIn);
                for (int i = 0; i < values.length; i++) values[i] = (float) (random.nextGaussian() * std);
            }
            writer.addFloats(name, TensorDtype.F32, e.getValue(), values);
        }
        writer.write(file);
    }
}
