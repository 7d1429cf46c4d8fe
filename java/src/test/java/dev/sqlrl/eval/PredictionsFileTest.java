package dev.sqlrl.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlrl.UserInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PredictionsFileTest {
    @TempDir
    Path dir;

    @Test
    void readsSinglePredictionsAndCandidateListsSkippingBlankLines() throws IOException {
        Path file = write("""
                {"db_id": "a", "gold": "SELECT 1", "pred": "SELECT 2", "question": "q?"}

                {"db_id": "b", "gold": "SELECT 3", "preds": ["SELECT 4", "SELECT 5"]}
                """);
        List<PredictionRecord> records = PredictionsFile.read(file);
        assertEquals(2, records.size());
        assertEquals(List.of("SELECT 2"), records.get(0).predictions());
        assertEquals("q?", records.get(0).source().get("question").asText());
        assertTrue(records.get(1).voting());
        assertEquals(3, records.get(1).line());
        assertEquals(List.of("SELECT 4", "SELECT 5"), records.get(1).predictions());
    }

    @Test
    void malformedJsonNamesFileAndLine() throws IOException {
        Path file = write("{\"db_id\": \"a\", \"gold\": \"SELECT 1\", \"pred\": \"x\"}\n{\"db_id\": \"a\", \"gold\": \n");
        UserInputException e = assertThrows(UserInputException.class, () -> PredictionsFile.read(file));
        assertTrue(e.getMessage().startsWith(file + ":2: malformed JSON"), e.getMessage());
    }

    @Test
    void missingOrConflictingKeysAreNamed() throws IOException {
        Path noGold = write("{\"db_id\": \"a\", \"pred\": \"x\"}");
        assertTrue(assertThrows(UserInputException.class, () -> PredictionsFile.read(noGold))
                .getMessage().contains(":1: key \"gold\""));
        Path both = write("{\"db_id\": \"a\", \"gold\": \"g\", \"pred\": \"x\", \"preds\": [\"y\"]}");
        assertTrue(assertThrows(UserInputException.class, () -> PredictionsFile.read(both))
                .getMessage().contains("exactly one of \"pred\""));
        Path badList = write("{\"db_id\": \"a\", \"gold\": \"g\", \"preds\": [\"y\", 3]}");
        assertTrue(assertThrows(UserInputException.class, () -> PredictionsFile.read(badList))
                .getMessage().contains("strings only"));
    }

    private Path write(String text) throws IOException {
        Path file = dir.resolve("preds-" + System.nanoTime() + ".jsonl");
        Files.writeString(file, text);
        return file;
    }
}
