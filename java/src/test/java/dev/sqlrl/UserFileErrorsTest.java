package dev.sqlrl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlrl.config.RunConfigs;
import dev.sqlrl.data.PromptTemplate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A malformed file the user gave is one line naming it and where, without a parser's dump or Jackson's noise. */
class UserFileErrorsTest {
    @TempDir
    Path dir;

    @Test
    void malformedJsonIsOneLineWithFileLineAndColumn() throws IOException {
        Path file = Files.writeString(dir.resolve("config.json"), "{\n  \"hidden_size\": 64,\n  \"layers\" 4\n}\n");
        UserInputException e = assertThrows(UserInputException.class, () -> UserJsonFiles.read(file));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertFalse(e.getMessage().contains("REDACTED") || e.getMessage().contains("StreamReadFeature"), e.getMessage());
        assertTrue(e.getMessage().startsWith(file + ":3:"), e.getMessage());
    }

    @Test
    void malformedYamlIsOneLineWithFileLineAndColumn() throws IOException {
        Path file = Files.writeString(dir.resolve("run.yaml"), "name: x\nsft:\n  max_steps: [1,\n  eval_every: 2\n");
        UserInputException e = assertThrows(UserInputException.class, () -> RunConfigs.load(file, List.of()));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(e.getMessage().startsWith(file + ":") && e.getMessage().contains("not valid YAML"), e.getMessage());
    }

    @Test
    void anUnknownTemplateListsTheBundledOnes() {
        UserInputException e = assertThrows(UserInputException.class, () -> PromptTemplate.load("text2sql-v9"));
        for (String id : PromptTemplate.BUNDLED) assertTrue(e.getMessage().contains(id), e.getMessage());
    }

    @Test
    void theBundledListIsWhatTheJarHolds() throws IOException {
        for (String id : PromptTemplate.BUNDLED) assertEquals(id, PromptTemplate.load(id).id().split("\\+")[0]);
        try (var files = Files.list(Path.of(System.getProperty("sqlrl.repo.dir", "..")).resolve("java/src/main/resources/prompts"))) {
            assertEquals(PromptTemplate.BUNDLED.stream().sorted().toList(),
                    files.map(f -> f.getFileName().toString().replace(".txt", "")).sorted().toList());
        }
    }
}
