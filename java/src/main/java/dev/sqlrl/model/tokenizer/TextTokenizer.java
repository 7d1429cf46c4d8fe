package dev.sqlrl.model.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sqlrl.UserInputException;
import dev.sqlrl.UserJsonFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A model's tokenizer.json through DJL's binding of Hugging Face tokenizers (the same Rust code
 * transformers uses), so ids match what Python produces. Thread-safe for encode/decode.
 */
public final class TextTokenizer implements AutoCloseable {

    static {
        // DJL must never try the network: its native library is bundled in the jar.
        System.setProperty("ai.djl.offline", "true");
    }

    private final HuggingFaceTokenizer tokenizer;
    private final Map<String, Integer> specialTokens;
    private final int maxId;

    private TextTokenizer(HuggingFaceTokenizer tokenizer, Map<String, Integer> specialTokens, int maxId) {
        this.tokenizer = tokenizer;
        this.specialTokens = specialTokens;
        this.maxId = maxId;
    }

    /** Loads DIR/tokenizer.json; vocabSize (from config.json) bounds the ids, 0 skips that check. */
    public static TextTokenizer load(Path modelDir, int vocabSize) {
        Path file = modelDir.resolve("tokenizer.json");
        JsonNode root = UserJsonFiles.read(file);
        int maxId = -1;
        JsonNode vocab = root.path("model").path("vocab");
        if (vocab.isObject()) {
            for (JsonNode id : vocab) maxId = Math.max(maxId, id.asInt());
        } else if (vocab.isArray()) {
            maxId = vocab.size() - 1; // Unigram: a list of [piece, score]
        }
        Map<String, Integer> special = new HashMap<>();
        for (JsonNode t : root.path("added_tokens")) {
            special.put(t.path("content").asText(), t.path("id").asInt());
            maxId = Math.max(maxId, t.path("id").asInt());
        }
        if (maxId < 0) throw new UserInputException(file + " has no vocabulary (model.vocab)");
        if (vocabSize > 0 && maxId >= vocabSize) {
            throw new UserInputException("tokenizer/vocab mismatch: " + file + " has token ids up to " + maxId
                    + " but config.json vocab_size is " + vocabSize);
        }
        Map<String, String> options = Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false");
        try {
            return new TextTokenizer(HuggingFaceTokenizer.newInstance(file, options), Map.copyOf(special), maxId);
        } catch (IOException | RuntimeException e) {
            throw new UserInputException("cannot load tokenizer " + file + ": " + e.getMessage(), e);
        }
    }

    public int[] encode(String text) {
        long[] ids = tokenizer.encode(text, false, false).getIds();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) out[i] = Math.toIntExact(ids[i]);
        return out;
    }

    public String decode(int[] ids, boolean skipSpecialTokens) {
        long[] longs = new long[ids.length];
        for (int i = 0; i < ids.length; i++) longs[i] = ids[i];
        return tokenizer.decode(longs, skipSpecialTokens);
    }

    /** The id of an added (special) token such as "<|im_end|>", or null. */
    public Integer specialTokenId(String content) {
        return specialTokens.get(content);
    }

    /** The largest id the tokenizer can produce. */
    public int maxId() {
        return maxId;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
