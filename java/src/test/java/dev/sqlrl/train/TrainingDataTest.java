package dev.sqlrl.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlrl.UserInputException;
import dev.sqlrl.config.DataSection;
import dev.sqlrl.config.RunConfigs;
import dev.sqlrl.demo.company.CompanyDataset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run's splits: never the training rows evaluated as if held out, never gold SQL that cannot run. */
class TrainingDataTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void writeData() {
        CompanyDataset.write(dir.resolve("data"), 7);
    }

    private static DataSection data(String... overrides) {
        List<String> all = new java.util.ArrayList<>(List.of("model.path=" + dir.resolve("no-model")));
        all.addAll(List.of(overrides));
        return RunConfigs.parse("name: t\n", "test", dir, all).data();
    }

    @Test
    void aSingleJsonlFileIsRefusedForTrainingBecauseItWouldBeEvaluatedOnItself() {
        UserInputException e = assertThrows(UserInputException.class,
                () -> TrainingData.load(data("data.path=" + dir.resolve("data/train.jsonl"))));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(e.getMessage().contains("train.jsonl") && e.getMessage().contains("single file"), e.getMessage());
    }

    @Test
    void goldSqlThatDoesNotRunIsRefusedByFileAndLineOrLeftOutWhenAsked() throws IOException {
        Path broken = dir.resolve("broken");
        Files.createDirectories(broken);
        List<String> train = Files.readAllLines(dir.resolve("data/train.jsonl"));
        // line 3's gold names a column that does not exist
        String bad = train.get(2).replaceFirst("\"sql\"\\s*:\\s*\"SELECT ", "\"sql\": \"SELECT no_such_column, ");
        train.set(2, bad);
        Files.write(broken.resolve("train.jsonl"), train);
        Files.copy(dir.resolve("data/dev.jsonl"), broken.resolve("dev.jsonl"));
        try (var files = Files.list(dir.resolve("data"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".sqlite")).toList()) Files.copy(f, broken.resolve(f.getFileName()));
        }
        assertTrue(bad.contains("no_such_column"), bad);

        UserInputException e = assertThrows(UserInputException.class,
                () -> TrainingData.load(data("data.path=" + broken)));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(e.getMessage().contains("train.jsonl:3") && e.getMessage().contains("data.invalid_gold"), e.getMessage());

        TrainingData skipped = TrainingData.load(data("data.path=" + broken, "data.invalid_gold=skip"));
        assertEquals(train.stream().filter(l -> !l.isBlank()).count() - 1, skipped.train().examples().size());
    }
}
