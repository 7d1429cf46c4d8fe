package dev.sqlrl.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sqlrl.UserInputException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PromptTokenCounterTest {
    @Test
    void countsTokensWithoutAddingSpecialTokens(@TempDir Path temp) {
        try (PromptTokenCounter counter = PromptTokenCounter.open(TestResources.resource("data/tokenizer"))) {
            assertEquals(4, counter.count("SELECT name FROM singer"));
            assertEquals(3, counter.count("<|im_start|>user hello"), "added special tokens are one token each");
        }
        assertThrows(UserInputException.class, () -> PromptTokenCounter.open(temp));
    }
}
