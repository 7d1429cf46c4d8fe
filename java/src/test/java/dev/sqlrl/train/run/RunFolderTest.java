package dev.sqlrl.train.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sqlrl.UserInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunFolderTest {
    @TempDir
    Path temp;

    @Test
    void createMakesTheLayoutAndOpenFindsIt() {
        Path dir = temp.resolve("runs/demo");
        RunFolder run = RunFolder.create(dir);
        assertTrue(Files.isDirectory(run.checkpointsDir()));
        assertTrue(Files.isDirectory(run.plotsDir()));
        assertEquals(dir.resolve("config.yaml"), run.configFile());
        assertEquals(dir.resolve("metrics.jsonl"), run.metricsFile());
        assertEquals(dir.resolve("samples.jsonl"), run.samplesFile());
        assertEquals(dir.resolve("summary.json"), run.summaryFile());
        assertEquals(dir, RunFolder.open(dir).dir());
    }

    @Test
    void createAcceptsAnEmptyFolderButRefusesAnUsedOne() throws Exception {
        Path empty = Files.createDirectories(temp.resolve("empty"));
        RunFolder.create(empty);
        UserInputException e = assertThrows(UserInputException.class, () -> RunFolder.create(empty));
        assertTrue(e.getMessage().contains(empty + " already exists and is not empty"), e.getMessage());
        Path file = Files.writeString(temp.resolve("file"), "x");
        assertTrue(assertThrows(UserInputException.class, () -> RunFolder.create(file)).getMessage()
                .contains("is not a folder"));
    }

    @Test
    void openNamesTheFolderThatIsNotARun() throws Exception {
        Path missing = temp.resolve("missing");
        assertEquals("run folder " + missing + " does not exist",
                assertThrows(UserInputException.class, () -> RunFolder.open(missing)).getMessage());
        Path other = Files.createDirectories(temp.resolve("other"));
        assertEquals(other + " is not a sqlrl run folder (it has no checkpoints/ folder)",
                assertThrows(UserInputException.class, () -> RunFolder.open(other)).getMessage());
    }

    @Test
    void configAndSummaryAreWrittenWhole() throws Exception {
        RunFolder run = RunFolder.create(temp.resolve("run"));
        run.writeConfig("name: demo\n");
        run.writeConfig("name: demo2\n");
        assertEquals("name: demo2\n", Files.readString(run.configFile()));
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("best_eval_ex", 0.5);
        summary.put("final_kl", Double.NaN);
        run.writeSummary(summary);
        var json = new ObjectMapper().readTree(run.summaryFile().toFile());
        assertEquals(0.5, json.get("best_eval_ex").asDouble());
        assertTrue(json.get("final_kl").isNull());
        try (var entries = Files.list(run.dir())) {
            assertTrue(entries.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temp files left");
        }
    }
}
