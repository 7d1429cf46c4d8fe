package dev.sqlrl.data;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.sqlrl.UserInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Counts the tokens of rendered prompts with a model's tokenizer.json (DJL's binding of Hugging
 * Face tokenizers). Special tokens are not added: the chat template has already written them.
 */
public final class PromptTokenCounter implements AutoCloseable {
    private final HuggingFaceTokenizer tokenizer;

    private PromptTokenCounter(HuggingFaceTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /** The tokenizer of a model folder holding tokenizer.json. */
    public static PromptTokenCounter open(Path tokenizerDir) {
        Path file = Files.isDirectory(tokenizerDir) ? tokenizerDir.resolve("tokenizer.json") : tokenizerDir;
        if (!Files.isRegularFile(file)) {
            throw new UserInputException(file + ": tokenizer.json not found");
        }
        try {
            return new PromptTokenCounter(HuggingFaceTokenizer.newInstance(file,
                    Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false")));
        } catch (IOException | RuntimeException e) {
            throw new UserInputException(file + ": cannot load the tokenizer: " + e.getMessage(), e);
        }
    }

    public int count(String text) {
        return tokenizer.encode(text).getIds().length;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
