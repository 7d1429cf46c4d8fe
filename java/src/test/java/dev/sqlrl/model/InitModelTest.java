package dev.sqlrl.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlrl.UserInputException;
import dev.sqlrl.cli.Main;
import dev.sqlrl.model.safetensors.SafetensorsFile;
import dev.sqlrl.model.tokenizer.TextTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InitModelTest {
    @TempDir
    Path dir;

    @Test
    void createsAConsistentHuggingFaceFolder() throws Exception {
        Path out = dir.resolve("tiny");
        assertEquals(0, Main.run("init-model", "--arch", "qwen2", "--size", "tiny", "--out", out.toString()));
        for (String f : new String[] {"config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json",
                "generation_config.json"}) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        }
        ModelConfig config = ModelConfig.read(out);
        Map<String, long[]> expected = WeightLayout.expected(config);
        try (SafetensorsFile weights = SafetensorsFile.open(out.resolve("model.safetensors"))) {
            assertEquals(expected.keySet(), weights.tensors().keySet());
        }
        assertTrue(Files.readString(out.resolve("tokenizer_config.json")).contains("<|im_start|>assistant"));
        try (TextTokenizer tok = TextTokenizer.load(out, config.vocabSize())) {
            String sql = "SELECT name, count(*) FROM staff WHERE salary > 100 GROUP BY name;";
            int[] ids = tok.encode(sql);
            assertEquals(sql, tok.decode(ids, false));
            assertTrue(ids.length < sql.length() / 2, "the tokenizer should merge SQL words, got " + ids.length + " ids");
            int imEnd = tok.specialTokenId("<|im_end|>");
            assertEquals(config.eosTokenIds().get(0), imEnd);
            int[] chat = tok.encode("<|im_start|>user\nHow many rows?<|im_end|>");
            assertEquals((int) tok.specialTokenId("<|im_start|>"), chat[0]);
            assertEquals(imEnd, chat[chat.length - 1]);
            assertEquals("héllo ✓", tok.decode(tok.encode("héllo ✓"), false));
        }
    }

    @Test
    void refusesToOverwriteAFolder() throws Exception {
        Files.writeString(dir.resolve("keep.txt"), "x");
        assertEquals(2, Main.run("init-model", "--arch", "llama", "--out", dir.toString()));
        assertEquals("x", Files.readString(dir.resolve("keep.txt")));
    }

    @Test
    void tokenizerLargerThanTheVocabularyIsAMismatch() throws Exception {
        Path out = dir.resolve("m");
        assertEquals(0, Main.run("init-model", "--arch", "llama", "--out", out.toString(), "--vocab-size", "400"));
        UserInputException e = assertThrows(UserInputException.class, () -> TextTokenizer.load(out, 100));
        assertTrue(e.getMessage().contains("tokenizer/vocab mismatch"), e.getMessage());
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"llama3", "codellama", "qwen3", "mistral", "phi3"})
    void everyFamilyInitializesLoadsAndGenerates(String arch) throws Exception {
        NativeTests.assumeNative();
        Path out = dir.resolve(arch);
        assertEquals(0, Main.run("init-model", "--arch", arch, "--out", out.toString()));
        ModelConfig config = ModelConfig.read(out);
        try (SafetensorsFile weights = SafetensorsFile.open(out.resolve("model.safetensors"))) {
            assertEquals(WeightLayout.expected(config).keySet(), weights.tensors().keySet());
        }
        switch (arch) {
            case "llama3" -> assertTrue(config.tieWordEmbeddings() && config.ropeScaling() != null);
            case "codellama" -> assertEquals(1_000_000.0, config.ropeTheta());
            default -> assertEquals(arch, config.architecture().modelType);
        }
        try (NativeModel model = ModelLoader.load(out, WeightMode.NF4, Device.CPU)) {
            model.attachLora(new LoraConfig(4, 8, LoraTarget.ALL, 0), 1);
            java.util.List<Completion> c = model.generate(new int[][] {{5, 6, 7}}, SamplingParams.greedy(4, java.util.List.of()), true);
            assertEquals(4, c.get(0).tokens().length);
        }
    }
}
