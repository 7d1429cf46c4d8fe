package dev.sqlrl.generation;

import dev.sqlrl.model.ModelConfig;
import dev.sqlrl.model.tokenizer.TextTokenizer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The token ids that end a generated answer: the model's end-of-sequence ids plus the end-of-turn
 * token of its chat format. Chat models end an assistant turn with that token, which config.json
 * does not always list among its eos ids (base Qwen2.5 lists only {@code <|endoftext|>}).
 */
public final class StopTokens {
    /** End-of-turn tokens of the chat formats in use: ChatML (Qwen), Llama 3, Phi-3, Gemma. */
    static final List<String> END_OF_TURN = List.of("<|im_end|>", "<|eot_id|>", "<|end|>", "<end_of_turn>");

    private StopTokens() {}

    /** The eos ids of config.json, then the end-of-turn ids the tokenizer has, without duplicates. */
    public static List<Integer> of(ModelConfig config, TextTokenizer tokenizer) {
        Set<Integer> ids = new LinkedHashSet<>(config.eosTokenIds());
        for (String token : END_OF_TURN) {
            Integer id = tokenizer.specialTokenId(token);
            if (id != null && id < config.vocabSize()) ids.add(id);
        }
        return List.copyOf(new ArrayList<>(ids));
    }
}
