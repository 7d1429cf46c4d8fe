package dev.sqlrl.generation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sqlrl.model.ModelConfig;
import dev.sqlrl.model.init.ModelInitializer;
import dev.sqlrl.model.init.ModelSize;
import dev.sqlrl.model.tokenizer.TextTokenizer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StopTokensTest {
    @TempDir
    Path dir;

    @Test
    void eosIdsFirstThenTheChatEndOfTurnTokenOnce() {
        ModelConfig config = ModelInitializer.create(new ModelInitializer.Options(ModelConfig.Architecture.QWEN2,
                ModelSize.TINY, dir.resolve("m"), null, 0, 1));
        try (TextTokenizer tokenizer = TextTokenizer.load(dir.resolve("m"), config.vocabSize())) {
            int imEnd = tokenizer.specialTokenId("<|im_end|>");
            int endOfText = tokenizer.specialTokenId("<|endoftext|>");
            // A base model's config lists only <|endoftext|>: the chat turn's end is added.
            assertEquals(List.of(endOfText, imEnd), StopTokens.of(withEos(config, List.of(endOfText)), tokenizer));
            // Already listed: not repeated.
            assertEquals(List.of(imEnd, endOfText), StopTokens.of(config, tokenizer));
            assertEquals(List.of(imEnd), StopTokens.of(withEos(config, List.of()), tokenizer));
        }
    }

    private static ModelConfig withEos(ModelConfig c, List<Integer> eos) {
        return new ModelConfig(c.architecture(), c.vocabSize(), c.hiddenSize(), c.intermediateSize(), c.numLayers(),
                c.numHeads(), c.numKvHeads(), c.headDim(), c.ropeTheta(), c.rmsNormEps(), c.tieWordEmbeddings(), eos,
                c.bosTokenId());
    }
}
